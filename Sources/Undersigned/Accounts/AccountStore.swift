import Foundation

/// Accounts, their sessions and password resets. Every change goes through
/// ``accountTransaction(_:)``, so that the change, its audit event and any email it sends
/// commit together or not at all.
public protocol AccountStore: Sendable {
    func accountTransaction<Result: Sendable>(_ body: @Sendable (any AccountTransaction) async throws -> Result)
        async throws -> Result
    func account(id: UUID) async throws -> Account?
    func account(emailFingerprint: [UInt8]) async throws -> Account?
    /// Every account, by name.
    func allAccounts() async throws -> [Account]
    /// The session with this token hash and its account, expired or not.
    func session(tokenHash: [UInt8]) async throws -> (session: StoredSession, account: Account)?
    /// Records that the session was used at `date`, which pushes its idle expiry back.
    func touchSession(tokenHash: [UInt8], at date: Date) async throws
    /// The account of a password reset that is neither used nor expired at `now`.
    func usablePasswordReset(tokenHash: [UInt8], now: Date) async throws -> UUID?
}

/// A signed-in browser: the cookie holds the token, the database only its SHA-256.
public struct StoredSession: Sendable, Equatable {
    public var tokenHash: [UInt8]
    public var accountID: UUID
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The absolute end, however active the session is.
    public var expiresAt: Date
}

/// The writes of one transaction on accounts, organizations and the audit log.
public protocol AccountTransaction: Sendable {
    // MARK: Accounts
    /// Inserts the account; `false` when another account has the same email.
    func insert(_ account: Account) async throws -> Bool
    func account(id: UUID) async throws -> Account?
    func updatePassword(accountID: UUID, hash: String) async throws
    /// Disables the account from `date`, or enables it again with `nil`.
    func setDisabled(accountID: UUID, at date: Date?) async throws
    func setEmailLanguage(accountID: UUID, _ language: InterfaceLanguage) async throws

    // MARK: Sessions
    func insert(_ session: StoredSession) async throws
    func deleteSession(tokenHash: [UInt8]) async throws
    /// Ends every session of the account.
    func deleteSessions(accountID: UUID) async throws
    /// Deletes sessions that ended (at their absolute end by `now`, or unused since
    /// `idleCutoff`) and reset links no longer usable, and erases the addresses of
    /// invitations no longer pending: nothing is kept longer than it is of use.
    func purgeExpired(now: Date, idleCutoff: Date) async throws

    // MARK: Password resets
    func insertPasswordReset(tokenHash: [UInt8], accountID: UUID, createdAt: Date, expiresAt: Date) async throws
    /// Reset links sent to the account since `date`.
    func passwordResetCount(accountID: UUID, since date: Date) async throws -> Int
    /// Marks an unused, unexpired reset as used and returns its account; `nil` otherwise.
    func consumePasswordReset(tokenHash: [UInt8], now: Date) async throws -> UUID?

    // MARK: Organizations
    /// Inserts the organization; `false` when its slug is taken.
    func insert(_ organization: Organization) async throws -> Bool
    /// Adds the member, or changes their role.
    func setMembership(organizationID: UUID, accountID: UUID, role: OrganizationRole, at date: Date) async throws
    func removeMembership(organizationID: UUID, accountID: UUID) async throws
    /// The emails the member chose; `nil` when they never chose (or are not a member).
    func noticeChoice(organizationID: UUID, accountID: UUID) async throws -> NoticeChoice?
    func setNoticeChoice(_ choice: NoticeChoice, organizationID: UUID, accountID: UUID) async throws
    /// The organization's members and roles, locked until the transaction ends where the
    /// database can, so that two owners cannot both leave it ownerless.
    func lockedMemberships(organizationID: UUID) async throws -> [UUID: OrganizationRole]
    func insert(_ invitation: Invitation) async throws
    /// The invitation, locked until the transaction ends.
    func lockedInvitation(tokenHash: [UInt8]) async throws -> Invitation?
    func markInvitationAccepted(id: UUID, by accountID: UUID, at date: Date) async throws
    /// Revokes a pending invitation of the organization; `false` when there is none such.
    func revokeInvitation(id: UUID, organizationID: UUID, at date: Date) async throws -> Bool

    // MARK: Organizations' public keys
    /// The organization's public key for delivery packages, if it has one.
    func publicKey(organizationID: UUID) async throws -> OrganizationPublicKey?
    /// Sets the organization's public key, or replaces the one it had.
    func setPublicKey(_ key: OrganizationPublicKey, organizationID: UUID, at date: Date) async throws
    func removePublicKey(organizationID: UUID) async throws

    // MARK: Partner keys
    func insertPartnerKey(_ key: PartnerKey) async throws
    /// Marks the organization's key revoked; `nil` when it has no such key or it was revoked already.
    func revokePartnerKey(id: UUID, organizationID: UUID, at date: Date) async throws -> PartnerKey?

    // MARK: Side effects
    func record(_ event: AuditEvent) async throws
    func enqueue(_ emails: [QueuedEmail]) async throws
    /// Takes back an email queued earlier in this transaction, so that it is never sent.
    func withdrawQueued(_ id: UUID) async throws
}
