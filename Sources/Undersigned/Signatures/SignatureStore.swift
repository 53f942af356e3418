import Foundation

/// Where signatures are kept. Writes happen in transactions that also queue the emails
/// they cause, so a signature is never stored without its confirmation email, or the
/// other way round.
public protocol SignatureStore: Sendable {
    /// Write transactions worth running at once.
    var concurrentWrites: Int { get }
    /// Runs `body` in one transaction; all it wrote is durable when this returns.
    func write<Result: Sendable>(
        _ body: @Sendable (any SignatureWriteTransaction) async throws -> Result
    ) async throws -> Result
    /// Whether ``insertNew(_:queueing:)`` costs less than a transaction: worth a write of its
    /// own ahead of the rest of a batch.
    var insertsNewAtOnce: Bool { get }
    /// Inserts as ``SignatureWriteTransaction/insertNew(_:)`` does and queues, with each
    /// signature inserted, those of `emails` about it (``QueuedSignerEmail``), and deletes the
    /// rows of those it names sent, at once; all of it is durable when this returns. Returns the
    /// ids of the signatures inserted.
    func insertNew(_ signatures: [NewSignature], queueing emails: OutgoingEmails) async throws -> Set<UUID>
    func signature(id: UUID) async throws -> Signature?
    /// Signatures with their sealed names and addresses, in one read; those not found are left out.
    func signaturesWithPersonalData(ids: [UUID]) async throws -> [UUID: SignatureWithPersonalData]
    /// Deletes signatures still pending that were made before `cutoff`; returns how many.
    func deleteUnconfirmed(before cutoff: Date) async throws -> Int
    /// Erases the names, addresses and fingerprints of every signature of petitions delivered
    /// before `cutoff`, keeping their state, country and dates; returns how many were erased.
    func erasePersonalData(ofPetitionsDeliveredBefore cutoff: Date) async throws -> Int
}

extension SignatureStore {
    /// One signature with its sealed name and address.
    public func signatureWithPersonalData(id: UUID) async throws -> SignatureWithPersonalData? {
        try await signaturesWithPersonalData(ids: [id])[id]
    }
}

public protocol SignatureWriteTransaction: Sendable {
    /// Inserts each signature whose petition and fingerprint are not stored yet, pending or,
    /// when it has a confirmation time, confirmed; returns the ids of those inserted.
    func insertNew(_ signatures: [NewSignature]) async throws -> Set<UUID>
    /// Gives a signature that is still pending the details of a newer signing with the same
    /// address, so that whoever confirms confirms what was signed last; returns whether it was
    /// still pending.
    func replacePending(_ id: UUID, with signature: NewSignature) async throws -> Bool
    func signature(petitionID: UUID, fingerprint: [UInt8]) async throws -> Signature?
    func signatures(ids: [UUID]) async throws -> [UUID: Signature]
    /// Moves pending signatures to confirmed where ``ConfirmationWindow`` allows; returns
    /// those that moved, with their sealed personal data. Counting them is ``CountedChanges``' part.
    func confirm(_ ids: [UUID], at date: Date) async throws -> [SignatureWithPersonalData]
    /// Those of `petitionIDs` whose count may still move at `date` (``ConfirmationWindow``).
    func confirmablePetitions(among petitionIDs: Set<UUID>, at date: Date) async throws -> Set<UUID>
    /// Moves pending and confirmed signatures to withdrawn and erases their personal data and
    /// fingerprint; returns them as they were.
    func withdraw(_ ids: [UUID], at date: Date) async throws -> [Signature]
    /// Moves those of `ids` still pending or confirmed to invalidated and records the batch
    /// with the number invalidated; returns the batch and the signatures as they were.
    func invalidate(_ ids: [UUID], as invalidation: Invalidation) async throws -> (Invalidation, [Signature])
    /// Writes what ``CountedChanges`` moves besides the signature rows: the counters and the
    /// logs; queues `emails` with them; returns the count of
    /// each petition in the change as it now stands, read by the statement that moved it. On
    /// PostgreSQL these are one statement after the logs' rows are locked. Only
    /// ``CountedChanges`` calls it.
    func record(_ change: CountedChange, queueing emails: OutgoingEmails) async throws
        -> [Goal.Standing]
    /// Marks the goal told reached, unless a goal as high was told already; returns whether
    /// it did. The petition's row is locked by ``record(_:queueing:)`` earlier in the
    /// transaction, so two transactions cannot both mark it.
    func markGoalReached(petitionID: UUID, goal: Int) async throws -> Bool
    func sealedPersonalData(ids: [UUID]) async throws -> [UUID: [UInt8]]
    /// Queues `emails` and deletes the rows of those it names sent.
    func enqueue(_ emails: OutgoingEmails) async throws
    /// Stores a paper batch's provenance, before its signatures (which name it) are inserted.
    func insertPaperBatch(_ batch: PaperBatch) async throws
    /// Sets how many of a batch's signatures were counted, once they are inserted.
    func setPaperBatchCounted(_ batchID: UUID, counted: Int) async throws
    /// A batch's signatures that still count, to void it.
    func countingSignatures(inPaperBatch batchID: UUID) async throws -> [UUID]
    /// Marks a batch void, if it is not already; returns whether it was not.
    func voidPaperBatch(_ batchID: UUID, reason: String, at date: Date) async throws -> Bool
    func record(_ event: AuditEvent) async throws
}

extension SignatureWriteTransaction {
    /// Queues emails for any outbox worker to claim.
    func enqueue(_ emails: [QueuedEmail]) async throws {
        try await enqueue(OutgoingEmails(claimable: emails))
    }
}

/// A signature and its sealed name and address, if it still has them.
public struct SignatureWithPersonalData: Sendable {
    public var signature: Signature
    public var sealedPersonalData: [UInt8]?
}

/// A signature about to be stored: pending, or confirmed at `confirmedAt` when it was
/// counted without an emailed link (a batch).
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
    public var confirmedAt: Date?
    /// The batch it was typed up from, when it was signed on paper.
    public var paperBatchID: UUID?

    public init(
        id: UUID = .random(), petitionID: UUID, emailFingerprint: [UInt8], country: String, showNamePublicly: Bool,
        wantsUpdates: Bool, source: SignatureSource, sealedPersonalData: [UInt8], createdAt: Date,
        confirmedAt: Date? = nil, paperBatchID: UUID? = nil
    ) {
        self.id = id
        self.petitionID = petitionID
        self.emailFingerprint = emailFingerprint
        self.country = country
        self.showNamePublicly = showNamePublicly
        self.wantsUpdates = wantsUpdates
        self.source = source
        self.sealedPersonalData = sealedPersonalData
        self.createdAt = createdAt
        self.confirmedAt = confirmedAt
        self.paperBatchID = paperBatchID
    }

    /// The signature as stored once inserted.
    var stored: Signature {
        Signature(
            id: id, petitionID: petitionID, state: confirmedAt == nil ? .pending : .confirmed, country: country,
            showNamePublicly: showNamePublicly, wantsUpdates: wantsUpdates, source: source, createdAt: createdAt,
            confirmedAt: confirmedAt)
    }
}
