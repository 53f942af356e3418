import Foundation
import HTTPTypes
import Hummingbird

/// The withdrawal link from the receipt. As with confirming, opening the link only shows a
/// button; the POST withdraws, takes the signature off the count and erases who signed.
struct WithdrawalController<Context: RequestContext>: Sendable {
    let signatures: any SignatureStore
    let catalog: PetitionCatalog
    let links: LinkTokens
    let writer: SignatureWriter
    let presenter: PetitionPresenter
    let csrf: CSRFProtection

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/withdraw/:token", use: show)
        router.post("/withdraw/:token", use: withdraw)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        guard let signature = try await signatures.signature(id: try signatureID(from: context)) else {
            throw AppError.invalidWithdrawalLink
        }
        let petition = try await petition(signature.petitionID)
        switch signature.state {
        case .pending, .confirmed:
            return try await withdrawPage(petition, request: request, notice: nil, status: .ok)
        case .withdrawn:
            return try await withdrawnPage(petition)
        case .invalidated:
            throw AppError.notWithdrawable
        }
    }

    @Sendable func withdraw(_ request: Request, context: Context) async throws -> Response {
        let id = try signatureID(from: context)
        let body = try await FormBody.read(request, context: context)
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else {
            guard let signature = try await signatures.signature(id: id) else { throw AppError.invalidWithdrawalLink }
            let notice = "For your safety this page has expired. Please press the button again. (Cookies must be allowed for this site.)"
            return try await withdrawPage(try await petition(signature.petitionID), request: request, notice: notice, status: .forbidden)
        }
        switch try await writer.withdraw(signatureID: id) {
        case .withdrawn:
            return .seeOther(request.uri.path)
        case .notWithdrawable:
            throw AppError.notWithdrawable
        case .notFound:
            throw AppError.invalidWithdrawalLink
        }
    }

    private func withdrawPage(_ petition: Petition, request: Request, notice: String?, status: HTTPResponse.Status) async throws -> Response {
        try await presenter.buttonPage(
            "withdraw", title: "Withdraw your signature", petition: petition, request: request, csrf: csrf, notice: notice, status: status)
    }

    private func withdrawnPage(_ petition: Petition) async throws -> Response {
        let view = try await presenter.messageView(petition, title: "Your signature is withdrawn")
        return presenter.pages.response("withdrawn", view, headers: [.xRobotsTag: "noindex", .cacheControl: "no-store"])
    }

    private func signatureID(from context: Context) throws -> UUID {
        guard let token = context.parameters.get("token"), let id = links.id(from: token) else {
            throw AppError.invalidWithdrawalLink
        }
        return id
    }

    private func petition(_ id: UUID) async throws -> Petition {
        guard let petition = try await catalog.petition(id: id) else { throw AppError.invalidWithdrawalLink }
        return petition
    }
}

extension AppError {
    static let invalidWithdrawalLink = AppError.notFound(
        "This withdrawal link is not valid. Check that you opened the whole link from your receipt email.")

    static let notWithdrawable = AppError(
        status: .gone, title: "This signature cannot be withdrawn",
        detail: "This signature was removed by the petition's moderators and is not counted.")
}
