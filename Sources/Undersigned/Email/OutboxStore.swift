import Foundation

/// The queue of emails waiting to be sent.
public protocol OutboxStore: Sendable {
    /// Takes up to `limit` messages that are due, hiding them from other workers until
    /// `leaseUntil`: a worker that dies mid-send leaves them to be retried then.
    func claimDueEmails(limit: Int, now: Date, leaseUntil: Date) async throws -> [ClaimedEmail]
    /// Removes sent messages, in one transaction for the whole batch.
    func markSent(_ ids: [UUID]) async throws
    func markFailed(_ id: UUID, retryAt: Date, error: String) async throws
    func pendingEmailCount() async throws -> Int
}

public struct ClaimedEmail: Sendable {
    public var id: UUID
    public var sealedMessage: [UInt8]
    /// Including this one.
    public var attempts: Int
}
