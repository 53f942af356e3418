import Foundation

/// Signed-in browsers. A session ends when it has not been used for the idle time, at its
/// absolute end, at sign-out, or when its account's password is reset.
public struct Sessions: Sendable {
    let store: any AccountStore
    /// A session not used for this long ends.
    let idleTimeout: TimeInterval
    /// A session ends this long after sign-in, however active.
    let lifetime: TimeInterval
    let clock: WallClock

    /// The session's last use is written at most this often, not on every request.
    static let touchInterval: TimeInterval = 60

    public init(store: any AccountStore, settings: Settings, clock: WallClock = .system) {
        self.store = store
        self.idleTimeout = TimeInterval(settings.sessionIdleHours * 3600)
        self.lifetime = TimeInterval(settings.sessionLifetimeDays * 86_400)
        self.clock = clock
    }

    /// The signed-in account of a session cookie, or `nil` when it names no live session.
    public func current(token: String) async throws -> SignedIn? {
        guard let hash = SecretToken.hash(of: token), let (session, account) = try await store.session(tokenHash: hash)
        else { return nil }
        let now = clock.now
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < idleTimeout, !account.isDisabled
        else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            try await store.touchSession(tokenHash: hash, at: now)
        }
        return SignedIn(account: account, session: session)
    }

    /// Starts a new session for the account within `transaction`. The token the browser
    /// brought, if any, is ended: a session id set before sign-in never becomes a signed-in one.
    func start(for accountID: UUID, replacing previous: String?, in transaction: any AccountTransaction) async throws
        -> SecretToken
    {
        let now = clock.now
        if let previous, let hash = SecretToken.hash(of: previous) {
            try await transaction.deleteSession(tokenHash: hash)
        }
        // Each sign-in also clears out what has expired, so no separate job is needed.
        try await transaction.purgeExpired(now: now, idleCutoff: now.addingTimeInterval(-idleTimeout))
        let token = SecretToken.generate()
        try await transaction.insert(
            StoredSession(
                tokenHash: token.hash, accountID: accountID, createdAt: now, lastSeenAt: now,
                expiresAt: now.addingTimeInterval(lifetime)))
        return token
    }

    public func end(token: String) async throws {
        guard let hash = SecretToken.hash(of: token) else { return }
        try await store.accountTransaction { try await $0.deleteSession(tokenHash: hash) }
    }
}

/// The account a request is made by, and its session.
public struct SignedIn: Sendable {
    public var account: Account
    public var session: StoredSession
}
