import Foundation
import HTTPTypes
import Hummingbird

/// The link in the confirmation email. Opening it shows a button; only pressing the button
/// (a POST) confirms, so mail scanners that follow links confirm nothing.
struct ConfirmationController<Context: RequestContext>: Sendable {
    let signatures: any SignatureStore
    let petitions: any PetitionStore
    let links: LinkTokens
    let writer: SignatureWriter
    let presenter: PetitionPresenter
    let csrf: CSRFProtection

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/confirm/:token", use: show)
        router.post("/confirm/:token", use: confirm)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let (signature, petition) = try await signatureAndPetition(from: context)
        let session = csrf.session(for: request)
        switch signature.state {
        case .pending:
            return try await confirmPage(petition, request: request, context: context, session: session, notice: nil, status: .ok)
        case .confirmed:
            return .seeOther("/p/\(petition.slug)/thank-you")
        case .withdrawn, .invalidated:
            throw AppError.notConfirmable
        }
    }

    @Sendable func confirm(_ request: Request, context: Context) async throws -> Response {
        let (signature, petition) = try await signatureAndPetition(from: context)
        let body = try await FormBody.read(request, context: context)
        let session = csrf.session(for: request)
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else {
            let notice = "For your safety this page has expired. Please press the button again. (Cookies must be allowed for this site.)"
            return try await confirmPage(petition, request: request, context: context, session: session, notice: notice, status: .forbidden)
        }
        switch try await writer.confirm(signatureID: signature.id) {
        case .confirmed, .alreadyConfirmed:
            return .seeOther("/p/\(petition.slug)/thank-you")
        case .notConfirmable:
            throw AppError.notConfirmable
        case .notFound:
            throw AppError.invalidConfirmationLink
        }
    }

    private func confirmPage(
        _ petition: Petition, request: Request, context: Context, session: (cookie: String, setCookie: String?), notice: String?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        var view = try await presenter.messageView(petition, title: "Confirm your signature")
        view.confirmAction = request.uri.path
        view.csrf = csrf.token(forCookie: session.cookie)
        view.notice = notice
        var headers: HTTPFields = [.xRobotsTag: "noindex"]
        if let setCookie = session.setCookie { headers[.setCookie] = setCookie }
        return presenter.pages.response("confirm", view, status: status, headers: headers)
    }

    private func signatureAndPetition(from context: Context) async throws -> (Signature, Petition) {
        guard let token = context.parameters.get("token"), let id = links.id(from: token),
            let signature = try await signatures.signature(id: id),
            let petition = try await petitions.petition(id: signature.petitionID)
        else {
            throw AppError.invalidConfirmationLink
        }
        return (signature, petition)
    }

}

extension AppError {
    static let invalidConfirmationLink = AppError.notFound(
        "This confirmation link is not valid. Check that you opened the whole link from the email; unconfirmed signatures are deleted after 7 days, so you may need to sign again.")

    static let notConfirmable = AppError(
        status: .gone, title: "This signature cannot be confirmed",
        detail: "This signature was withdrawn or removed, so it cannot be confirmed any more.")
}
