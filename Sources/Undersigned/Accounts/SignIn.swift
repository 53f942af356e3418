import Foundation

/// Checking an email and password. Every refusal reads the same and takes as long: unknown
/// addresses, wrong passwords, and locked or disabled accounts all verify a bcrypt hash and
/// get the same answer, so nothing tells whether an address has an account.
public struct SignIn: Sendable {
    let accounts: Accounts
    let sessions: Sessions

    public init(accounts: Accounts, sessions: Sessions) {
        self.accounts = accounts
        self.sessions = sessions
    }

    public enum Outcome: Sendable {
        case signedIn(Account, SecretToken)
        case refused
    }

    /// - Parameter previousToken: the session cookie the browser brought, ended on success.
    public func attempt(email: String, password: String, previousToken: String?) async throws -> Outcome {
        let now = accounts.clock.now
        let found = try await accounts.account(email: email)
        guard let account = found, !account.isDisabled, !account.isLocked(at: now) else {
            _ = try await accounts.hasher.verify(password, against: nil)
            return .refused
        }
        guard try await accounts.hasher.verify(password, against: account.passwordHash) else {
            try await recordFailure(of: account, at: now)
            return .refused
        }
        let token = try await accounts.store.accountTransaction { transaction in
            try await transaction.clearFailedSignIns(accountID: account.id)
            return try await sessions.start(for: account.id, replacing: previousToken, in: transaction)
        }
        return .signedIn(account, token)
    }

    private func recordFailure(of account: Account, at now: Date) async throws {
        let settings = accounts.settings
        let until = now.addingTimeInterval(TimeInterval(settings.lockoutMinutes * 60))
        try await accounts.store.accountTransaction { transaction in
            guard try await transaction.recordFailedSignIn(accountID: account.id, limit: settings.signInAttempts, lockUntil: until) else { return }
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: nil, action: .accountLocked, subjectType: "account", subjectID: account.id.text,
                    details: "\(settings.signInAttempts) failed sign-ins; locked for \(settings.lockoutMinutes) minutes"))
        }
    }
}
