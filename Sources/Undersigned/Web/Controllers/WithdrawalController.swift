import Foundation
import HTTPTypes
import Hummingbird

/// The withdrawal link from the receipt. As with confirming, opening the link only shows a
/// button; the POST withdraws, takes the signature off the count and erases who signed.
struct WithdrawalController<Context: LanguageRequestContext>: Sendable {
    let signatures: any SignatureStore
    let catalog: PetitionCatalog
    let links: LinkTokens
    let writer: SignatureWriter
    let presenter: PetitionPresenter
    let csrf: CSRFProtection

    func addRoutes(to links: GroupRouter<SignerRoute, Context>) {
        links.get(SignerRoute.withdraw, use: show)
        links.post(SignerRoute.withdraw, use: withdraw)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let (link, id) = try self.link(from: context)
        guard let signature = try await signatures.signature(id: id) else {
            throw AppError.invalidWithdrawalLink
        }
        let petition = try await petition(signature.petitionID)
        switch signature.state {
        case .pending, .confirmed:
            return try await withdrawPage(
                petition, link: link, request: request, interface: context.language(for: petition), notice: nil,
                status: .ok)
        case .withdrawn:
            return try await withdrawnPage(petition, interface: context.language(for: petition))
        case .invalidated:
            throw AppError.notWithdrawable
        }
    }

    @Sendable func withdraw(_ request: Request, context: Context) async throws -> Response {
        let (link, id) = try self.link(from: context)
        let body = try await FormBody.read(request, context: context)
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else {
            guard let signature = try await signatures.signature(id: id) else { throw AppError.invalidWithdrawalLink }
            let petition = try await petition(signature.petitionID)
            let interface = context.language(for: petition)
            return try await withdrawPage(
                petition, link: link, request: request, interface: interface,
                notice: Translations.bundled[interface].text(.commonPageExpired), status: .forbidden)
        }
        switch try await writer.withdraw(signatureID: id) {
        case .withdrawn:
            return .seeOther(link.path)
        case .notWithdrawable:
            throw AppError.notWithdrawable
        case .notFound:
            throw AppError.invalidWithdrawalLink
        }
    }

    private func withdrawPage(
        _ petition: Petition, link: SignerRoute, request: Request, interface: InterfaceLanguage, notice: String?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        try await presenter.buttonPage(
            .withdraw, title: .withdrawHeading, petition: petition, link: link, request: request, interface: interface,
            csrf: csrf, notice: notice, status: status)
    }

    private func withdrawnPage(_ petition: Petition, interface: InterfaceLanguage) async throws -> Response {
        let view = try await presenter.messageView(petition, title: .withdrawnHeading, interface: interface)
        return presenter.pages.response(
            .withdrawn, view, language: interface, headers: [.xRobotsTag: "noindex", .cacheControl: "no-store"])
    }

    /// The emailed link the request came by, and the signature its token names.
    private func link(from context: Context) throws -> (SignerRoute, signatureID: UUID) {
        guard let token = context.parameters.get(.token), let id = links.id(from: token) else {
            throw AppError.invalidWithdrawalLink
        }
        return (.withdraw(token: token), id)
    }

    private func petition(_ id: UUID) async throws -> Petition {
        guard let petition = try await catalog.petition(id: id) else { throw AppError.invalidWithdrawalLink }
        return petition
    }
}
