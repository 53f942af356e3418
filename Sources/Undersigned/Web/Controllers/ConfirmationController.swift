import Foundation
import HTTPTypes
import Hummingbird

/// The link in the confirmation email. Opening it shows a button; only pressing the button
/// (a POST) confirms, so mail scanners that follow links confirm nothing. Once confirmed,
/// the same link shows the signer's thank-you page, with their link to withdraw.
struct ConfirmationController<Context: LanguageRequestContext>: Sendable {
    let signatures: any SignatureStore
    let deliveries: any DeliveryStore
    let catalog: PetitionCatalog
    let mailer: SignerMail
    let writer: SignatureWriter
    let presenter: PetitionPresenter
    let csrf: CSRFProtection
    let clock: WallClock

    func addRoutes(to links: GroupRouter<SignerRoute, Context>) {
        links.get(SignerRoute.confirm, use: show)
        links.post(SignerRoute.confirm, use: confirm)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let (link, id) = try self.link(from: context)
        guard let found = try await signatures.signatureWithPersonalData(id: id) else {
            throw AppError.invalidConfirmationLink
        }
        let signature = found.signature
        let petition = try await petition(signature.petitionID)
        switch signature.state {
        case .pending where petition.state == .takenDown:
            throw PetitionTakenDown(petition: petition, consequence: .tombstoneUnconfirmed)
        case .pending:
            guard ConfirmationWindow.allows(petition, hasDeliveries: try await hasDeliveries(petition), at: clock.now)
            else {
                throw AppError.tooLateToConfirm
            }
            return try await confirmPage(
                petition, signature: found, link: link, request: request, context: context,
                notice: .gracePeriod, status: .ok)
        case .confirmed where petition.state == .takenDown:
            throw PetitionTakenDown(petition: petition, consequence: .tombstoneConfirmed)
        case .confirmed:
            return try await thankYouPage(
                petition, signatureID: signature.id, interface: context.language(for: petition))
        case .withdrawn, .invalidated:
            throw AppError.notConfirmable
        }
    }

    /// Goes straight to the writer: the token already names the signature, so a burst of
    /// confirmations costs no read of their own, only a batched commit whose confirming
    /// statement returns what their receipts are written from.
    @Sendable func confirm(_ request: Request, context: Context) async throws -> Response {
        let (link, id) = try self.link(from: context)
        let body = try await FormBody.read(request, context: context)
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else {
            guard let found = try await signatures.signatureWithPersonalData(id: id) else {
                throw AppError.invalidConfirmationLink
            }
            let petition = try await petition(found.signature.petitionID)
            return try await confirmPage(
                petition, signature: found, link: link, request: request, context: context,
                notice: .expiredForm, status: .forbidden)
        }
        switch try await writer.confirm(signatureID: id) {
        case .confirmed, .alreadyConfirmed:
            // Back to the link itself, which now shows the thank-you page: a reload re-posts nothing.
            return .seeOther(link.path)
        case .notConfirmable(let petitionID, state: .pending):
            // Still pending after the attempt: the petition was taken down, or closed past its
            // grace period, or delivered, perhaps a moment ago at another instance, which this
            // one has not read yet.
            catalog.forget(try await petition(petitionID))
            let current = try await petition(petitionID)
            if current.state == .takenDown {
                throw PetitionTakenDown(petition: current, consequence: .tombstoneUnconfirmed)
            }
            throw AppError.tooLateToConfirm
        case .notConfirmable:
            throw AppError.notConfirmable
        case .notFound:
            throw AppError.invalidConfirmationLink
        }
    }

    /// Shows what will be counted before the button: whoever signed last with this address
    /// chose it, and the mailbox owner must see it to confirm it knowingly.
    private func confirmPage(
        _ petition: Petition, signature found: SignatureWithPersonalData, link: SignerRoute, request: Request,
        context: Context, notice: Notice?, status: HTTPResponse.Status
    ) async throws -> Response {
        let signer = try found.sealedPersonalData.map {
            try mailer.sealer.open(PersonalData.self, from: $0, in: .signature(found.signature.id))
        }
        // Opened from the email: in the language the signer signed in, unless this browser asks for another.
        let interface = context.askedLanguage ?? signer?.language ?? context.language(for: petition)
        let details = SigningDetailsView(signature: found.signature, name: signer?.name ?? "", interface: interface)
        return try await presenter.buttonPage(
            .confirm, title: .confirmHeading, petition: petition, link: link, request: request, interface: interface,
            csrf: csrf, notice: notice.flatMap { $0.text(of: petition, in: interface) }, status: status
        ) { $0.signing = details }
    }

    /// What the confirmation page says above its button, written once its language is known.
    private enum Notice {
        case expiredForm
        case gracePeriod

        func text(of petition: Petition, in language: InterfaceLanguage) -> String? {
            switch self {
            case .expiredForm: Translations.bundled[language].text(.commonPageExpired)
            case .gracePeriod: ConfirmationController.graceNotice(petition, in: language)
            }
        }
    }

    private func thankYouPage(_ petition: Petition, signatureID: UUID, interface: InterfaceLanguage) async throws
        -> Response
    {
        var view = try await presenter.messageView(petition, title: .thanksTitle, interface: interface)
        // Nobody is asked to share a petition that no longer takes signatures.
        if petition.acceptsSignatures { view.share = ShareLinks(url: view.petition.url, title: petition.title) }
        view.withdrawURL = mailer.withdrawalURL(signatureID: signatureID)
        view.receiptCode = mailer.receipts.code(for: signatureID)
        view.receiptURL = mailer.receiptURL(signatureID: signatureID, petition: petition)
        return presenter.pages.response(
            .thankYou, view, language: interface, headers: [.xRobotsTag: "noindex", .cacheControl: "no-store"])
    }

    private func hasDeliveries(_ petition: Petition) async throws -> Bool {
        petition.state == .closed ? !(try await deliveries.deliveries(petitionID: petition.id).isEmpty) : false
    }

    fileprivate static func graceNotice(_ petition: Petition, in language: InterfaceLanguage) -> String? {
        guard let deadline = ConfirmationWindow.deadline(of: petition), let closed = petition.stateChangedAt else {
            return nil
        }
        return Translations.bundled[language].text(
            .confirmGraceNotice, ["closed": language.date(closed), "deadline": language.date(deadline)])
    }

    /// The emailed link the request came by, and the signature its token names.
    private func link(from context: Context) throws -> (SignerRoute, signatureID: UUID) {
        guard let token = context.parameters.get(.token), let id = mailer.confirmationLinks.id(from: token) else {
            throw AppError.invalidConfirmationLink
        }
        return (.confirm(token: token), id)
    }

    private func petition(_ id: UUID) async throws -> Petition {
        guard let petition = try await catalog.petition(id: id) else { throw AppError.invalidConfirmationLink }
        return petition
    }
}
