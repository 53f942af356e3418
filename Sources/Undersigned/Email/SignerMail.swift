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
    /// The interface is in English; a localized interface passes the signer's language here.
    public let language = "en"

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
        return try queue(
            to: signer.email, name: signer.name, subject: "\(announcement.subject): \(petition.title)",
            paragraphs: [.text("Hello \(signer.name),")]
                + announcement.body.components(separatedBy: "\n\n").map {
                    .text($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                + [
                    .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: petition.title),
                    .text(
                        "You receive this because you signed and asked for news of this petition. To receive no more:"),
                    .link(unsubscribe, label: "Unsubscribe"),
                ],
            listUnsubscribeURL: unsubscribe)
    }

    /// Where a receipt code is checked against the petition's signed log.
    public func receiptURL(signatureID: UUID, petition: Petition) -> String {
        PetitionRoute.receipt(slug: petition.slug).url(on: baseURL, query: ["code": receipts.code(for: signatureID)])
    }

    public func confirmationURL(signatureID: UUID) -> String {
        SignerRoute.confirm(token: confirmationLinks.token(for: signatureID)).url(on: baseURL)
    }

    public func withdrawalURL(signatureID: UUID) -> String {
        SignerRoute.withdraw(token: withdrawalLinks.token(for: signatureID)).url(on: baseURL)
    }

    func confirmationRequest(signatureID: UUID, request: SignatureRequest, petition: Petition) throws -> QueuedEmail {
        let link = confirmationURL(signatureID: signatureID)
        return try queue(
            to: request.email.address, name: request.name,
            subject: "Please confirm your signature: \(petition.title)",
            paragraphs: [
                .text("Hello \(request.name),"),
                .text("Thank you for signing \u{201C}\(petition.title)\u{201D}."),
                .text(
                    "Your signature counts only once you confirm it. Open this link and press the button on the page:"),
                .link(link, label: "Confirm my signature"),
                .text(
                    "If you did not sign this petition, ignore this email: unconfirmed signatures are deleted after 7 days and are never counted."
                ),
                .text("\u{2014} Undersigned, on behalf of \(petition.organizer)"),
            ])
    }

    func alreadySigned(request: SignatureRequest, petition: Petition) throws -> QueuedEmail {
        try queue(
            to: request.email.address, name: request.name,
            subject: "You have already signed: \(petition.title)",
            paragraphs: [
                .text("Hello \(request.name),"),
                .text(
                    "Someone, probably you, asked to sign \u{201C}\(petition.title)\u{201D} with this email address. Your signature is already confirmed and counted: there is nothing more to do."
                ),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: petition.title),
                .text("\u{2014} Undersigned, on behalf of \(petition.organizer)"),
            ])
    }

    /// Sent once a signature is confirmed: the signer's proof that it counts, and their way out.
    func receipt(signatureID: UUID, signer: PersonalData, petition: Petition) throws -> QueuedEmail {
        let code = receipts.code(for: signatureID)
        return try queue(
            to: signer.email, name: signer.name,
            subject: "Your signature is counted: \(petition.title)",
            paragraphs: [
                .text("Hello \(signer.name),"),
                .text("Your signature on \u{201C}\(petition.title)\u{201D} is confirmed and counted."),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: petition.title),
                .text("Your receipt code: \(code)"),
                .text(
                    "It proves that your signature is in the petition's public, signed log of signatures, without saying who you are. Check it at any time here:"
                ),
                .link(receiptURL(signatureID: signatureID, petition: petition), label: "Check my receipt"),
                .text(
                    "You can withdraw your signature at any time. This link opens a page with a button; pressing it removes your signature from the count and erases your name and email address at once:"
                ),
                .link(withdrawalURL(signatureID: signatureID), label: "Withdraw my signature"),
                .text("Keep this email: the link is the only way to withdraw."),
                .text("\u{2014} Undersigned, on behalf of \(petition.organizer)"),
            ])
    }

    private func queue(
        to address: String, name: String, subject: String, paragraphs: [MailParagraph],
        listUnsubscribeURL: String? = nil
    ) throws -> QueuedEmail {
        let message = EmailMessage(
            to: address, toName: name, subject: subject, textBody: MailParagraph.text(paragraphs),
            htmlBody: MailParagraph.html(paragraphs, title: subject, language: language), language: language,
            listUnsubscribeURL: listUnsubscribeURL, createdAt: clock.now)
        return QueuedEmail(
            id: message.id, sealedMessage: try sealer.seal(message, in: .outbox(message.id)),
            createdAt: message.createdAt)
    }
}

/// A paragraph of an email, written once and rendered as text and as HTML.
enum MailParagraph {
    case text(String)
    case link(String, label: String)

    static func text(_ paragraphs: [MailParagraph]) -> String {
        paragraphs.map { paragraph in
            switch paragraph {
            case .text(let text): text
            case .link(let url, _): url
            }
        }.joined(separator: "\n\n") + "\n"
    }

    /// Inline styles only: mail clients ignore style sheets. Right-to-left languages get `dir`.
    static func html(_ paragraphs: [MailParagraph], title: String, language: String) -> String {
        let direction =
            ["ar", "fa", "he", "ur"].contains(language.split(separator: "-").first.map(String.init) ?? "")
            ? "rtl" : "ltr"
        let body = paragraphs.map { paragraph in
            switch paragraph {
            case .text(let text):
                "<p>\(HTMLSanitizer.escapeAttribute(text))</p>"
            case .link(let url, let label):
                "<p><a href=\"\(HTMLSanitizer.escapeAttribute(url))\">\(HTMLSanitizer.escapeAttribute(label))</a></p>"
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="\(HTMLSanitizer.escapeAttribute(language))" dir="\(direction)">
            <head><meta charset="utf-8"><title>\(HTMLSanitizer.escapeAttribute(title))</title></head>
            <body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }
}
