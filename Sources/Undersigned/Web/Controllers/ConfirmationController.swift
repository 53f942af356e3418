import Foundation
import HTTPTypes
import Hummingbird

/// The link in the confirmation email. Opening it shows a button; only pressing the button
/// (a POST) confirms, so mail scanners that follow links confirm nothing. Once confirmed,
/// the same link shows the signer's thank-you page, with their link to withdraw.
struct ConfirmationController<Context: RequestContext>: Sendable {
    let signatures: any SignatureStore
    let catalog: PetitionCatalog
    let mailer: SignerMail
    let writer: SignatureWriter
    let presenter: PetitionPresenter
    let csrf: CSRFProtection

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/confirm/:token", use: show)
        router.post("/confirm/:token", use: confirm)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        guard let signature = try await signatures.signature(id: try signatureID(from: context)) else {
            throw AppError.invalidConfirmationLink
        }
        let petition = try await petition(signature.petitionID)
        switch signature.state {
        case .pending where petition.state == .takenDown:
            throw PetitionTakenDown(petition: petition, consequence: AppError.unconfirmedOnTakenDown)
        case .pending:
            return try await confirmPage(petition, request: request, notice: nil, status: .ok)
        case .confirmed where petition.state == .takenDown:
            throw PetitionTakenDown(petition: petition, consequence: AppError.confirmedOnTakenDown)
        case .confirmed:
            return try await thankYouPage(petition, signatureID: signature.id)
        case .withdrawn, .invalidated:
            throw AppError.notConfirmable
        }
    }

    /// Goes straight to the writer: the token already names the signature, so a burst of
    /// confirmations costs no reads before its batched commit.
    @Sendable func confirm(_ request: Request, context: Context) async throws -> Response {
        let id = try signatureID(from: context)
        let body = try await FormBody.read(request, context: context)
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else {
            guard let signature = try await signatures.signature(id: id) else { throw AppError.invalidConfirmationLink }
            let notice = "For your safety this page has expired. Please press the button again. (Cookies must be allowed for this site.)"
            return try await confirmPage(try await petition(signature.petitionID), request: request, notice: notice, status: .forbidden)
        }
        switch try await writer.confirm(signatureID: id) {
        case .confirmed, .alreadyConfirmed:
            // Back to the link itself, which now shows the thank-you page: a reload re-posts nothing.
            return .seeOther(request.uri.path)
        case .notConfirmable(let petitionID, state: .pending):
            // Still pending after the attempt: only a take-down keeps a signature so, perhaps
            // one made a moment ago at another instance, which this one has not read yet.
            let cached = try await petition(petitionID)
            catalog.forget(cached)
            throw PetitionTakenDown(petition: try await petition(petitionID), consequence: AppError.unconfirmedOnTakenDown)
        case .notConfirmable:
            throw AppError.notConfirmable
        case .notFound:
            throw AppError.invalidConfirmationLink
        }
    }

    private func confirmPage(_ petition: Petition, request: Request, notice: String?, status: HTTPResponse.Status) async throws -> Response {
        try await presenter.buttonPage(
            "confirm", title: "Confirm your signature", petition: petition, request: request, csrf: csrf, notice: notice, status: status)
    }

    private func thankYouPage(_ petition: Petition, signatureID: UUID) async throws -> Response {
        var view = try await presenter.messageView(petition, title: "Thank you for signing")
        view.share = ShareLinks(url: view.petition.url, title: petition.title)
        view.withdrawURL = mailer.withdrawalURL(signatureID: signatureID)
        view.receiptCode = mailer.receipts.code(for: signatureID)
        view.receiptURL = mailer.receiptURL(signatureID: signatureID, petition: petition)
        return presenter.pages.response("thank-you", view, headers: [.xRobotsTag: "noindex", .cacheControl: "no-store"])
    }

    private func signatureID(from context: Context) throws -> UUID {
        guard let token = context.parameters.get("token"), let id = mailer.confirmationLinks.id(from: token) else {
            throw AppError.invalidConfirmationLink
        }
        return id
    }

    private func petition(_ id: UUID) async throws -> Petition {
        guard let petition = try await catalog.petition(id: id) else { throw AppError.invalidConfirmationLink }
        return petition
    }
}

extension AppError {
    static let invalidConfirmationLink = AppError.notFound(
        "This confirmation link is not valid. Check that you opened the whole link from the email; unconfirmed signatures are deleted after 7 days, so you may need to sign again.")

    static let unconfirmedOnTakenDown =
        "Signatures can no longer be confirmed, so yours was not counted. Your name and email address will be deleted within 7 days."
    static let confirmedOnTakenDown =
        "Your signature was counted before the petition was taken down. You can still withdraw it, which erases your name and email "
        + "address at once, with the link in your receipt email."

    static let notConfirmable = AppError(
        status: .gone, title: "This signature cannot be confirmed",
        detail: "This signature was withdrawn or removed, so it cannot be confirmed any more.")
}
