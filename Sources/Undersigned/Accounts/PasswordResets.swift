import Foundation

/// Password reset by email: a single-use link valid for an hour. Asking gives the same
/// answer whether or not the address has an account; setting the new password ends every
/// session of the account and starts one for the browser that set it.
public struct PasswordResets: Sendable {
    let accounts: Accounts
    let sessions: Sessions
    let mail: AccountMail

    static let validity: TimeInterval = 3600
    /// Reset emails an account may be sent in an hour, so that nobody can flood a mailbox.
    static let emailsPerHour = 3

    public init(accounts: Accounts, sessions: Sessions, mail: AccountMail) {
        self.accounts = accounts
        self.sessions = sessions
        self.mail = mail
    }

    /// Queues a reset link if the address has an account that is not disabled, at most
    /// ``emailsPerHour`` an hour. Every request takes the same path whatever the address:
    /// a token is made and hashed, an email composed and sealed, and one transaction writes
    /// that email to the outbox and counts the account's recent links; only then is the
    /// email kept, with its link, or taken back. So neither the answer nor the work behind
    /// it (the statements, the commit, the sealing) tells whether the address has an account.
    /// The one step of its own is unsealing a real account's address: microseconds, beside
    /// the milliseconds of the lookup and the commit.
    /// - Parameter language: the language of the page where the reset was asked, the email's.
    public func request(email: String, language: InterfaceLanguage = .en) async throws {
        let account = try await accounts.account(email: email).flatMap { $0.isDisabled ? nil : $0 }
        let now = accounts.clock.now
        let token = SecretToken.generate()
        // Without an account, the email is composed to the address as typed, and never sent.
        let recipient =
            try account.map { (address: try accounts.email(of: $0), name: $0.name) } ?? (address: email, name: "")
        let message = try mail.passwordReset(
            to: recipient.address, name: recipient.name, token: token, language: language)
        let accountID = account?.id ?? UUID.random()
        let queued = try await accounts.store.accountTransaction { transaction -> Bool in
            try await transaction.enqueue([message])
            let recent = try await transaction.passwordResetCount(
                accountID: accountID, since: now.addingTimeInterval(-3600))
            guard account != nil, recent < Self.emailsPerHour else {
                try await transaction.withdrawQueued(message.id)
                return false
            }
            try await transaction.insertPasswordReset(
                tokenHash: token.hash, accountID: accountID, createdAt: now,
                expiresAt: now.addingTimeInterval(Self.validity))
            return true
        }
        if queued { mail.queued() }
    }

    /// The account a reset link is for, while it is usable.
    public func account(forToken token: String) async throws -> Account? {
        guard let hash = SecretToken.hash(of: token),
            let id = try await accounts.store.usablePasswordReset(tokenHash: hash, now: accounts.clock.now)
        else { return nil }
        return try await accounts.store.account(id: id)
    }

    /// Sets the new password, uses up the link, ends every session of the account and
    /// returns a new one. `nil` when the link is used, expired or unknown.
    public func complete(
        token: String, password: String, confirmation: String, previousToken: String?,
        words: Translation = Translations.english
    ) async throws -> (Account, SecretToken)? {
        guard let account = try await account(forToken: token), let hash = SecretToken.hash(of: token) else {
            return nil
        }
        if let problem = PasswordPolicy.problem(with: password, email: try accounts.email(of: account), words: words) {
            throw FormProblems("password", problem)
        }
        guard password == confirmation else {
            throw FormProblems("confirmation", words.text(.accountProblemConfirmation))
        }
        let passwordHash = try await accounts.hasher.hash(password)
        let now = accounts.clock.now
        let session = try await accounts.store.accountTransaction { transaction -> SecretToken? in
            guard let accountID = try await transaction.consumePasswordReset(tokenHash: hash, now: now),
                accountID == account.id
            else { return nil }
            try await transaction.updatePassword(accountID: accountID, hash: passwordHash)
            try await transaction.deleteSessions(accountID: accountID)
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: accountID, action: .passwordReset, subjectType: "account",
                    subjectID: accountID.text))
            return try await sessions.start(for: accountID, replacing: previousToken, in: transaction)
        }
        return session.map { (account, $0) }
    }
}
