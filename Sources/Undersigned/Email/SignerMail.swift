import Foundation

/// Writes the emails a signer receives, as text and HTML, sealed for the outbox.
public struct SignerMail: Sendable {
    public let baseURL: URL
    public let confirmationLinks: LinkTokens
    public let withdrawalLinks: LinkTokens
    public let receipts: ReceiptCodes
    public let unsubscribeLinks: LinkTokens
    public let sealer: PersonalDataSealer
    /// When the emails it writes are dated, and so when they are due.
    public let clock: WallClock

    public init(
        baseURL: URL, confirmationLinks: LinkTokens, withdrawalLinks: LinkTokens, receipts: ReceiptCodes,
        unsubscribeLinks: LinkTokens,
        sealer: PersonalDataSealer, clock: WallClock = .system
    ) {
        self.baseURL = baseURL
        self.confirmationLinks = confirmationLinks
        self.withdrawalLinks = withdrawalLinks
        self.receipts = receipts
        self.unsubscribeLinks = unsubscribeLinks
        self.sealer = sealer
        self.clock = clock
    }

    public func unsubscribeURL(signatureID: UUID) -> String {
        SignerRoute.unsubscribe(token: unsubscribeLinks.token(for: signatureID)).url(on: baseURL)
    }

    /// News to a signer who asked for it, with a link (and a one-click header) to stop.
    func announcement(_ announcement: Announcement, petition: Petition, signatureID: UUID, signer: PersonalData) throws
        -> QueuedEmail
    {
        let unsubscribe = unsubscribeURL(signatureID: signatureID)
        let words = Translations.bundled[signer.language ?? .en]
        let title = Self.title(of: petition, in: words.language)
        var email = try queue(
            to: signer.email, name: signer.name,
            subject: words.text(.emailNewsSubject, ["subject": announcement.subjectLine(in: words), "title": title]),
            paragraphs: [.text(words.text(.emailHello, ["name": signer.name]))]
                + announcement.paragraphs(in: words).map { .text($0) }
                + [
                    .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: title),
                    .text(words.text(.emailNewsWhy)),
                    .link(unsubscribe, label: words.text(.emailNewsUnsubscribe)),
                ],
            language: words.language, listUnsubscribeURL: unsubscribe)
        email.newsFor = signatureID
        return email
    }

    /// Where a receipt code is checked against the petition's signed log.
    public func receiptURL(signatureID: UUID, petition: Petition) -> String {
        receiptURL(code: receipts.code(for: signatureID), petition: petition)
    }

    private func receiptURL(code: String, petition: Petition) -> String {
        PetitionRoute.receipt(slug: petition.slug).url(on: baseURL, query: ["code": code])
    }

    public func confirmationURL(signatureID: UUID) -> String {
        SignerRoute.confirm(token: confirmationLinks.token(for: signatureID)).url(on: baseURL)
    }

    public func withdrawalURL(signatureID: UUID) -> String {
        SignerRoute.withdraw(token: withdrawalLinks.token(for: signatureID)).url(on: baseURL)
    }

    /// A new signature's request to confirm, as the outbox keeps it: the signature's sealed
    /// name, address and language, written into an email only when sent (``SignerEmailWriter``).
    func queuedConfirmationRequest(for signature: NewSignature) -> QueuedEmail {
        let createdAt = clock.now
        return QueuedEmail(
            id: .timeOrdered(at: createdAt), sealedMessage: signature.sealedPersonalData, createdAt: createdAt,
            signerEmail: QueuedSignerEmail(
                .confirmationRequest, signatureID: signature.id, petitionID: signature.petitionID))
    }

    /// Asks a new signer to confirm by following a link that only their mailbox receives.
    func confirmationRequest(id: UUID, createdAt: Date, signatureID: UUID, signer: PersonalData, petition: Petition)
        -> EmailMessage
    {
        let words = Translations.bundled[signer.language ?? .en]
        let title = Self.title(of: petition, in: words.language)
        return EmailMessage(
            id: id, to: signer.email, toName: signer.name,
            subject: words.text(.emailConfirmSubject, ["title": title]),
            paragraphs: [
                .text(words.text(.emailHello, ["name": signer.name])),
                .text(words.text(.emailConfirmThanks, ["title": title])),
                .text(words.text(.emailConfirmCountsOnce)),
                .link(confirmationURL(signatureID: signatureID), label: words.text(.emailConfirmLink)),
                .text(words.text(.emailConfirmNotYou)),
                .text(words.text(.emailSignature, ["organizer": petition.organizer])),
            ],
            language: words.language, createdAt: createdAt)
    }

    func alreadySigned(request: SignatureRequest, petition: Petition) throws -> QueuedEmail {
        let words = Translations.bundled[request.language]
        let title = Self.title(of: petition, in: request.language)
        return try queue(
            to: request.email.address, name: request.name,
            subject: words.text(.emailAlreadySubject, ["title": title]),
            paragraphs: [
                .text(words.text(.emailHello, ["name": request.name])),
                .text(words.text(.emailAlreadyBody, ["title": title])),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: title),
                .text(words.text(.emailSignature, ["organizer": petition.organizer])),
            ],
            language: request.language)
    }

    /// The receipt of a signature just confirmed, as the outbox keeps it: the signature's sealed
    /// name and address and its petition, written into an email only when sent
    /// (``SignerEmailWriter``). The confirming transaction neither opens nor seals anything.
    func queuedReceipt(for signature: Signature, sealedPersonalData: [UInt8]) -> QueuedEmail {
        // Under the signature's own id: a withdrawal finds the receipt by the outbox's key.
        let createdAt = clock.now
        return QueuedEmail(
            id: signature.id, sealedMessage: sealedPersonalData, createdAt: createdAt,
            signerEmail: QueuedSignerEmail(.receipt, signatureID: signature.id, petitionID: signature.petitionID))
    }

    /// Sent once a signature is confirmed: the signer's proof that it counts, and their way out.
    func receipt(id: UUID, createdAt: Date, signatureID: UUID, signer: PersonalData, petition: Petition)
        -> EmailMessage
    {
        let code = receipts.code(for: signatureID)
        let words = Translations.bundled[signer.language ?? .en]
        let title = Self.title(of: petition, in: words.language)
        return EmailMessage(
            id: id, to: signer.email, toName: signer.name,
            subject: words.text(.emailReceiptSubject, ["title": title]),
            paragraphs: [
                .text(words.text(.emailHello, ["name": signer.name])),
                .text(words.text(.emailReceiptCounted, ["title": title])),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: title),
                .text(words.text(.emailReceiptCode, ["code": code])),
                .text(words.text(.emailReceiptCodeExplained)),
                .link(receiptURL(code: code, petition: petition), label: words.text(.emailReceiptCheck)),
                .text(words.text(.emailReceiptWithdraw)),
                .link(withdrawalURL(signatureID: signatureID), label: words.text(.emailReceiptWithdrawLink)),
                .text(words.text(.emailReceiptKeep)),
                .text(words.text(.emailSignature, ["organizer": petition.organizer])),
            ],
            language: words.language, createdAt: createdAt)
    }

    /// The petition's title in the signer's language when it has a translation in it.
    private static func title(of petition: Petition, in language: InterfaceLanguage) -> String {
        (petition.text(in: language.code) ?? petition.originalText).title
    }

    private func queue(
        to address: String, name: String, subject: String, paragraphs: [MailParagraph], language: InterfaceLanguage,
        listUnsubscribeURL: String? = nil
    ) throws -> QueuedEmail {
        let message = EmailMessage(
            to: address, toName: name, subject: subject, paragraphs: paragraphs, language: language,
            listUnsubscribeURL: listUnsubscribeURL, createdAt: clock.now)
        return QueuedEmail(
            id: message.id, sealedMessage: try sealer.seal(message, in: .outbox(message.id)),
            createdAt: message.createdAt, message: message)
    }
}
