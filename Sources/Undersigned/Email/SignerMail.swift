import Foundation
import Synchronization

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
    private let sharedWords = SignerEmailWordsCache()

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
    /// name, address and language, written into an email only when sent (``SignerEmailWriter``),
    /// from `signer`, what was sealed, when it goes out from memory.
    func queuedConfirmationRequest(for signature: NewSignature, signer: PersonalData) -> QueuedEmail {
        let createdAt = clock.now
        return QueuedEmail(
            id: .timeOrdered(at: createdAt), sealedMessage: signature.sealedPersonalData, createdAt: createdAt,
            signer: signer,
            signerEmail: QueuedSignerEmail(
                .confirmationRequest, signatureID: signature.id, petitionID: signature.petitionID))
    }

    /// Asks a new signer to confirm by following a link that only their mailbox receives.
    func confirmationRequest(id: UUID, createdAt: Date, signatureID: UUID, signer: PersonalData, petition: Petition)
        -> EmailMessage
    {
        let words = Translations.bundled[signer.language ?? .en]
        let shared = sharedWords.words(for: petition, in: words, baseURL: baseURL)
        return EmailMessage(
            id: id, to: signer.email, toName: signer.name, subject: shared.confirmSubject,
            paragraphs: [
                .text(words.text(.emailHello, ["name": signer.name])),
                .text(shared.confirmThanks),
                .text(shared.confirmCountsOnce),
                .link(confirmationURL(signatureID: signatureID), label: shared.confirmLink),
                .text(shared.confirmNotYou),
                .text(shared.signature),
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
        let shared = sharedWords.words(for: petition, in: words, baseURL: baseURL)
        return EmailMessage(
            id: id, to: signer.email, toName: signer.name, subject: shared.receiptSubject,
            paragraphs: [
                .text(words.text(.emailHello, ["name": signer.name])),
                .text(shared.receiptCounted),
                .link(shared.pageURL, label: shared.title),
                .text(words.text(.emailReceiptCode, ["code": code])),
                .text(shared.receiptCodeExplained),
                .link(receiptURL(code: code, petition: petition), label: shared.receiptCheck),
                .text(shared.receiptWithdraw),
                .link(withdrawalURL(signatureID: signatureID), label: shared.receiptWithdrawLink),
                .text(shared.receiptKeep),
                .text(shared.signature),
            ],
            language: words.language, createdAt: createdAt)
    }

    /// The petition's title in the signer's language when it has a translation in it.
    static func title(of petition: Petition, in language: InterfaceLanguage) -> String {
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

/// What a petition's confirmation requests and receipts say in one language, the same for
/// every signer: written once, so that each email fills in only its signer's name, links and
/// code.
struct SignerEmailWords: Sendable {
    /// The petition's title in the language, its organizer and its address: the words are
    /// written anew when one of them changes.
    let title: String
    let organizer: String
    let slug: String
    let pageURL: String
    let signature: String
    let confirmSubject: String
    let confirmThanks: String
    let confirmCountsOnce: String
    let confirmLink: String
    let confirmNotYou: String
    let receiptSubject: String
    let receiptCounted: String
    let receiptCodeExplained: String
    let receiptCheck: String
    let receiptWithdraw: String
    let receiptWithdrawLink: String
    let receiptKeep: String

    init(petition: Petition, title: String, words: Translation, baseURL: URL) {
        self.title = title
        organizer = petition.organizer
        slug = petition.slug
        pageURL = PetitionRoute.page(slug: petition.slug).url(on: baseURL)
        signature = words.text(.emailSignature, ["organizer": petition.organizer])
        confirmSubject = words.text(.emailConfirmSubject, ["title": title])
        confirmThanks = words.text(.emailConfirmThanks, ["title": title])
        confirmCountsOnce = words.text(.emailConfirmCountsOnce)
        confirmLink = words.text(.emailConfirmLink)
        confirmNotYou = words.text(.emailConfirmNotYou)
        receiptSubject = words.text(.emailReceiptSubject, ["title": title])
        receiptCounted = words.text(.emailReceiptCounted, ["title": title])
        receiptCodeExplained = words.text(.emailReceiptCodeExplained)
        receiptCheck = words.text(.emailReceiptCheck)
        receiptWithdraw = words.text(.emailReceiptWithdraw)
        receiptWithdrawLink = words.text(.emailReceiptWithdrawLink)
        receiptKeep = words.text(.emailReceiptKeep)
    }

    func isWritten(from petition: Petition, title: String) -> Bool {
        self.title == title && organizer == petition.organizer && slug == petition.slug
    }
}

/// The words of the signers' emails by petition and language. Bounded: when full, they are
/// let go, and written again at their next use.
final class SignerEmailWordsCache: Sendable {
    private struct Key: Hashable {
        let petitionID: UUID
        let language: InterfaceLanguage
    }

    private let limit: Int
    private let entries = Mutex<[Key: SignerEmailWords]>([:])

    init(limit: Int = 256) {
        self.limit = limit
    }

    func words(for petition: Petition, in words: Translation, baseURL: URL) -> SignerEmailWords {
        let title = SignerMail.title(of: petition, in: words.language)
        let key = Key(petitionID: petition.id, language: words.language)
        if let kept = entries.withLock({ $0[key] }), kept.isWritten(from: petition, title: title) { return kept }
        let written = SignerEmailWords(petition: petition, title: title, words: words, baseURL: baseURL)
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = written
        }
        return written
    }
}
