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

    /// - Parameter language: the language of the page where the reset was asked.
    func passwordReset(to address: String, name: String, token: SecretToken, language: InterfaceLanguage) throws
        -> QueuedEmail
    {
        let words = Translations.bundled[language]
        return try queue(
            to: address, name: name, subject: words.text(.emailAccountResetSubject),
            paragraphs: [
                .text(words.text(.emailHello, ["name": name])),
                .text(words.text(.emailAccountResetAsked)),
                .link(
                    AccountRoute.newPassword(token: token.value).url(on: baseURL),
                    label: words.text(.emailAccountResetLink)),
                .text(words.text(.emailAccountResetOnce)),
                .text(words.text(.emailAccountResetIgnore)),
                .text(words.text(.emailAccountSignature)),
            ], language: language)
    }

    /// - Parameter language: the inviter's interface language.
    func invitation(
        to address: String, organization: Organization, role: OrganizationRole, inviter: String, token: SecretToken,
        language: InterfaceLanguage
    ) throws -> QueuedEmail {
        let words = Translations.bundled[language]
        return try queue(
            to: address, name: nil,
            subject: words.text(.emailAccountInvitationSubject, ["organization": organization.name]),
            paragraphs: [
                .text(words.text(.emailAccountInvitationHello)),
                .text(
                    words.text(
                        .emailAccountInvitationInvites,
                        ["inviter": inviter, "organization": organization.name, "role": words.label(of: role)])),
                .text(words.text(.emailAccountInvitationOpen)),
                .link(
                    InvitationRoute.invitation(token: token.value).url(on: baseURL),
                    label: words.text(.emailAccountInvitationLink)),
                .text(words.text(.emailAccountInvitationIgnore)),
                .text(words.text(.emailAccountSignature)),
            ], language: language)
    }

    func queue(
        to address: String, name: String?, subject: String, paragraphs: [MailParagraph],
        language: InterfaceLanguage = .en
    ) throws -> QueuedEmail {
        let message = EmailMessage(
            to: address, toName: name, subject: subject, paragraphs: paragraphs, language: language,
            createdAt: clock.now)
        return QueuedEmail(
            id: message.id, sealedMessage: try sealer.seal(message, in: .outbox(message.id)),
            createdAt: message.createdAt)
    }
}
