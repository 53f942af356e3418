import Foundation

/// Checking an email and password. Every refusal reads the same and takes as long: unknown
/// addresses, wrong passwords and disabled accounts all verify a bcrypt hash and get the
/// same answer, so nothing tells whether an address has an account. Guesses are slowed by
/// ``SignInThrottle`` under the address's fingerprint, which an address without an account
/// has too; no account is ever locked, so nobody can keep its owner out.
public struct SignIn: Sendable {
    let accounts: Accounts
    let sessions: Sessions
    let throttle: SignInThrottle
    let devices: KnownDevices

    /// Who tries which account, read before any password is checked.
    struct Attempt: Sendable {
        fileprivate var identity: [UInt8]
        fileprivate var account: Account?
        fileprivate var client: SignInThrottle.Client

        /// Whether the browser holds the account's known-device cookie.
        var isKnownDevice: Bool {
            if case .knownDevice = client { return true }
            return false
        }
    }

    enum Outcome: Sendable {
        /// With a new known-device token for the browser.
        case signedIn(Account, SecretToken, device: String)
        case refused
        /// Too many failures from this client: it may try again in this many seconds.
        case wait(seconds: Int)
    }

    /// - Parameter deviceToken: the known-device cookie the browser brought, if any.
    func prepare(email: String, address: ClientAddress, deviceToken: String?) async throws -> Attempt {
        let account = try await accounts.account(email: email)
        let device = account.flatMap { devices.device(in: deviceToken, for: $0.id, at: accounts.clock.now) }
        return Attempt(
            identity: accounts.signInIdentity(email: email), account: account,
            client: device.map { .knownDevice($0) } ?? .address(address))
    }

    /// - Parameters:
    ///   - previousToken: the session cookie the browser brought, ended on success.
    ///   - language: the interface's language on the sign-in page, which the account's emails
    ///     are written in when it has none yet. A language once recorded or chosen on the
    ///     account page is kept: signing in from another language's page does not change it.
    func attempt(_ attempt: Attempt, password: String, previousToken: String?, language: InterfaceLanguage)
        async throws -> Outcome
    {
        let now = accounts.clock.now
        if case .wait(let seconds) = throttle.check(identity: attempt.identity, client: attempt.client, at: now) {
            return .wait(seconds: seconds)
        }
        guard let account = attempt.account, !account.isDisabled else {
            _ = try await accounts.hasher.verify(password, against: nil)
            throttle.recordFailure(identity: attempt.identity, client: attempt.client, at: now)
            return .refused
        }
        guard try await accounts.hasher.verify(password, against: account.passwordHash) else {
            throttle.recordFailure(identity: attempt.identity, client: attempt.client, at: now)
            return .refused
        }
        throttle.recordSuccess(identity: attempt.identity, client: attempt.client, at: now)
        let token = try await accounts.store.accountTransaction { transaction in
            if account.emailLanguage == nil {
                try await transaction.setEmailLanguage(accountID: account.id, language)
            }
            return try await sessions.start(for: account.id, replacing: previousToken, in: transaction)
        }
        return .signedIn(account, token, device: devices.token(for: account.id, at: now))
    }
}
