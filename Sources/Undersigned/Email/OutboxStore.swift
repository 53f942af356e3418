import Foundation

/// The queue of emails waiting to be sent.
public protocol OutboxStore: Sendable {
    /// Takes up to `limit` queued messages that are due, hiding them from other workers until
    /// `leaseUntil`: a worker that dies mid-send leaves them to be retried then.
    func claimDueEmails(limit: Int, now: Date, leaseUntil: Date) async throws -> [ClaimedEmail]
    /// Moves the lease of the messages among `ids` still leased until `heldUntil` to `until`,
    /// for a worker still at work on them, and returns their ids: the others are no longer
    /// its to send. Those whose lease changed meanwhile (a failure recorded, or a lease that
    /// ran out and another worker took) are left as they are; so are those deleted (the
    /// receipt of a signature withdrawn or invalidated, news to a signer who left) and the
    /// confirmation requests whose signature is no longer pending, which the next claim deletes.
    func renewLease(_ ids: [UUID], heldUntil: Date, until: Date) async throws -> Set<UUID>
    /// Removes sent messages and their history, in one transaction for the whole batch.
    func markSent(_ ids: [UUID]) async throws
    /// Records a failed attempt and when to try again.
    func markFailed(_ id: UUID, attempt: DeliveryAttempt, retryAt: Date) async throws
    /// Records the last attempt and gives up: the message stays, failed, for an admin to see
    /// until the retention policy deletes it.
    func markUndeliverable(_ id: UUID, attempt: DeliveryAttempt) async throws
    /// Messages still queued (not yet sent, not given up).
    func pendingEmailCount() async throws -> Int
    func outboxStatus() async throws -> OutboxStatus
    /// Queued and failed messages, oldest first, with their attempts: no content, no address.
    func outboxEntries(limit: Int) async throws -> [OutboxEntry]
    /// Deletes messages given up on before `cutoff`: they hold personal data.
    func deleteUndeliverable(before cutoff: Date) async throws -> Int
}

public struct ClaimedEmail: Sendable {
    public var id: UUID
    public var sealedMessage: [UInt8]
    /// Including this one.
    public var attempts: Int
    public var createdAt: Date
    /// The message itself when it was handed over in memory; `nil` when read from the outbox.
    public var message: EmailMessage? = nil
    /// A new signer's data when their confirmation request was handed over in memory.
    public var signer: PersonalData? = nil
    /// Set when this is a signer's confirmation request or receipt, written when sent
    /// (``SignerEmailWriter``).
    public var signerEmail: QueuedSignerEmail? = nil
}

public enum OutboxState: String, Sendable, CaseIterable {
    case queued
    /// Given up on: refused for good, or too old, or tried too often.
    case failed
}

/// One try at sending a message that did not succeed; successes leave no trace.
public struct DeliveryAttempt: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case retry
        case failed
    }

    public var number: Int
    public var at: Date
    public var outcome: Outcome
    public var replyCode: Int?
    /// Safe to show: never the recipient's address nor the content.
    public var detail: String

    public init(number: Int, at: Date, outcome: Outcome, replyCode: Int?, detail: String) {
        self.number = number
        self.at = at
        self.outcome = outcome
        self.replyCode = replyCode
        self.detail = detail
    }
}

public struct OutboxEntry: Sendable {
    public var id: UUID
    public var state: OutboxState
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var attempts: Int
    public var history: [DeliveryAttempt]
}

public struct OutboxStatus: Sendable, Equatable {
    public var queued: Int
    public var failed: Int
    public var oldestQueuedAt: Date?
}
