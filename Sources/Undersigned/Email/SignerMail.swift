import Foundation

/// Writes the emails a signer receives, sealed for the outbox.
public struct SignerMail: Sendable {
    public let baseURL: URL
    public let confirmationLinks: LinkTokens
    public let withdrawalLinks: LinkTokens
    public let receipts: ReceiptCodes
    public let sealer: PersonalDataSealer

    public init(baseURL: URL, confirmationLinks: LinkTokens, withdrawalLinks: LinkTokens, receipts: ReceiptCodes, sealer: PersonalDataSealer) {
        self.baseURL = baseURL
        self.confirmationLinks = confirmationLinks
        self.withdrawalLinks = withdrawalLinks
        self.receipts = receipts
        self.sealer = sealer
    }

    /// Where a receipt code is checked against the petition's signed log.
    public func receiptURL(signatureID: UUID, petition: Petition) -> String {
        "\(baseURL.absoluteString)/p/\(petition.slug)/receipt?code=\(receipts.code(for: signatureID))"
    }

    public func confirmationURL(signatureID: UUID) -> String {
        "\(baseURL.absoluteString)/confirm/\(confirmationLinks.token(for: signatureID))"
    }

    public func withdrawalURL(signatureID: UUID) -> String {
        "\(baseURL.absoluteString)/withdraw/\(withdrawalLinks.token(for: signatureID))"
    }

    func confirmationRequest(signatureID: UUID, request: SignatureRequest, petition: Petition) throws -> QueuedEmail {
        try queue(
            EmailMessage(
                to: request.email.address,
                subject: "Please confirm your signature: \(petition.title)",
                textBody: """
                    Hello \(request.name),

                    Thank you for signing "\(petition.title)".

                    Your signature counts only once you confirm it. Open this link and press the
                    button on the page:

                    \(confirmationURL(signatureID: signatureID))

                    If you did not sign this petition, ignore this email: unconfirmed signatures
                    are deleted after 7 days and are never counted.

                    — Undersigned, on behalf of \(petition.organizer)
                    """))
    }

    func alreadySigned(request: SignatureRequest, petition: Petition) throws -> QueuedEmail {
        try queue(
            EmailMessage(
                to: request.email.address,
                subject: "You have already signed: \(petition.title)",
                textBody: """
                    Hello \(request.name),

                    Someone, probably you, asked to sign "\(petition.title)" with this email
                    address. Your signature is already confirmed and counted: there is nothing
                    more to do.

                    \(baseURL.absoluteString)/p/\(petition.slug)

                    — Undersigned, on behalf of \(petition.organizer)
                    """))
    }

    /// Sent once a signature is confirmed: the signer's proof that it counts, and their way out.
    func receipt(signatureID: UUID, signer: PersonalData, petition: Petition) throws -> QueuedEmail {
        try queue(
            EmailMessage(
                to: signer.email,
                subject: "Your signature is counted: \(petition.title)",
                textBody: """
                    Hello \(signer.name),

                    Your signature on "\(petition.title)" is confirmed and counted.

                    \(baseURL.absoluteString)/p/\(petition.slug)

                    Your receipt code: \(receipts.code(for: signatureID))

                    It proves that your signature is in the petition's public, signed log of
                    signatures, without saying who you are. Check it at any time here:

                    \(receiptURL(signatureID: signatureID, petition: petition))

                    You can withdraw it at any time. This link opens a page with a button;
                    pressing it removes your signature from the count and erases your name and
                    email address at once:

                    \(withdrawalURL(signatureID: signatureID))

                    Keep this email: the link is the only way to withdraw.

                    — Undersigned, on behalf of \(petition.organizer)
                    """))
    }

    private func queue(_ message: EmailMessage) throws -> QueuedEmail {
        QueuedEmail(id: message.id, sealedMessage: try sealer.seal(message), createdAt: message.createdAt)
    }
}
