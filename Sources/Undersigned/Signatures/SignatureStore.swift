import Foundation

/// Where signatures are kept. Writes happen in transactions that also queue the emails
/// they cause, so a signature is never stored without its confirmation email, or the
/// other way round.
public protocol SignatureStore: Sendable {
    /// Runs `body` in one transaction; all it wrote is durable when this returns.
    func write<Result: Sendable>(
        _ body: @Sendable (any SignatureWriteTransaction) async throws -> Result
    ) async throws -> Result
    func signature(id: UUID) async throws -> Signature?
    /// Deletes signatures still pending that were made before `cutoff`; returns how many.
    func deleteUnconfirmed(before cutoff: Date) async throws -> Int
    /// Erases the names, addresses and fingerprints of every signature of petitions delivered
    /// before `cutoff`, keeping their state, country and dates; returns how many were erased.
    func erasePersonalData(ofPetitionsDeliveredBefore cutoff: Date) async throws -> Int
}

public protocol SignatureWriteTransaction: Sendable {
    /// Inserts each signature whose petition and fingerprint are not stored yet; returns
    /// the ids of those inserted.
    func insertNew(_ signatures: [NewSignature]) async throws -> Set<UUID>
    func signature(petitionID: UUID, fingerprint: [UInt8]) async throws -> Signature?
    func signatures(ids: [UUID]) async throws -> [UUID: Signature]
    /// Moves pending signatures to confirmed and adds them to their petition's counters
    /// (in all and per country) in the same transaction; returns those that moved.
    func confirm(_ ids: [UUID], at date: Date) async throws -> [Signature]
    /// Moves pending and confirmed signatures to withdrawn, takes the confirmed ones off the
    /// counters, and erases their personal data and fingerprint; returns them as they were.
    func withdraw(_ ids: [UUID], at date: Date) async throws -> [Signature]
    func sealedPersonalData(ids: [UUID]) async throws -> [UUID: [UInt8]]
    /// Appends entries to their petitions' logs, in the order given.
    func appendToLog(_ entries: [LogEntry]) async throws
    func enqueue(_ emails: [QueuedEmail]) async throws
}

/// A signature about to be stored as pending.
public struct NewSignature: Sendable {
    public var id: UUID
    public var petitionID: UUID
    public var emailFingerprint: [UInt8]
    public var country: String
    public var showNamePublicly: Bool
    public var wantsUpdates: Bool
    public var source: SignatureSource
    public var sealedPersonalData: [UInt8]
    public var createdAt: Date
}
