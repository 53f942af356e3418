import Foundation

/// The emails of accounts: password reset links and invitations, sealed for the outbox.
public struct AccountMail: Sendable {
    let baseURL: URL
    let sealer: PersonalDataSealer
    let clock: WallClock
    /// Called once a transaction that queued one of these emails has committed.
    let queued: @Sendable () -> Void

    public init(
        baseURL: URL, sealer: PersonalDataSealer, clock: WallClock = .system,
        queued: @escaping @Sendable () -> Void = {}
    ) {
        self.baseURL = baseURL
        self.sealer = sealer
        self.clock = clock
        self.queued = queued
    }

    func passwordReset(to address: String, name: String, token: SecretToken) throws -> QueuedEmail {
        try queue(
            to: address, name: name, subject: "Reset your Undersigned password",
            paragraphs: [
                .text("Hello \(name),"),
                .text(
                    "Someone, probably you, asked to reset the password of your Undersigned account. Open this link within an hour to choose a new one:"
                ),
                .link(AccountRoute.newPassword(token: token.value).url(on: baseURL), label: "Choose a new password"),
                .text("The link works once. Setting a new password signs out every browser signed in to your account."),
                .text("If you did not ask for this, ignore this email: your password stays as it is."),
                .text("\u{2014} Undersigned"),
            ])
    }

    func invitation(
        to address: String, organization: Organization, role: OrganizationRole, inviter: String, token: SecretToken
    ) throws -> QueuedEmail {
        try queue(
            to: address, name: nil, subject: "Join \(organization.name) on Undersigned",
            paragraphs: [
                .text("Hello,"),
                .text(
                    "\(inviter) invites you to join \u{201C}\(organization.name)\u{201D} on Undersigned as \(role.rawValue)."
                ),
                .text("Open this link within 7 days to accept, with your account or by creating one:"),
                .link(InvitationRoute.invitation(token: token.value).url(on: baseURL), label: "See the invitation"),
                .text("If you do not know what this is about, ignore this email."),
                .text("\u{2014} Undersigned"),
            ])
    }

    func queue(to address: String, name: String?, subject: String, paragraphs: [MailParagraph]) throws -> QueuedEmail {
        let message = EmailMessage(
            to: address, toName: name, subject: subject, textBody: MailParagraph.text(paragraphs),
            htmlBody: MailParagraph.html(paragraphs, title: subject, language: .en), language: "en",
            createdAt: clock.now)
        return QueuedEmail(
            id: message.id, sealedMessage: try sealer.seal(message, in: .outbox(message.id)),
            createdAt: message.createdAt)
    }
}
