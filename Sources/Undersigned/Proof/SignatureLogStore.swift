import Foundation

/// A petition's log as it stands: its size, right edge and the count it proves.
public struct LogState: Sendable, Equatable {
    public var frontier: MerkleFrontier
    public var count: Int

    public init(frontier: MerkleFrontier = MerkleFrontier(), count: Int = 0) {
        self.frontier = frontier
        self.count = count
    }
}

/// A perfect subtree of a log: `level` 0 is a leaf.
public struct LogNodeCoordinate: Sendable, Hashable {
    public var level: Int
    public var index: UInt64

    /// Subtrees of 16 entries and larger are stored as they are completed; those below are
    /// hashed from the entries when a proof needs them (``LogProofs``). Stored, the leaves
    /// and the three levels above them were two rows for each entry, most of what appending
    /// an entry wrote; a proof needs at most a few of them, from one or two runs of 16 entries.
    public static let lowestStoredLevel = 4

    public var isStored: Bool { level >= Self.lowestStoredLevel }
}

extension MerkleFrontier.CompletedNode {
    /// Where the subtree stands in its log.
    var coordinate: LogNodeCoordinate { LogNodeCoordinate(level: level, index: index) }
}

/// Where the logs and their signed heads are kept. Entries are appended by the same
/// transactions that change the signatures they record (see ``SignatureWriteTransaction``).
public protocol SignatureLogStore: Sendable {
    func logState(petitionID: UUID) async throws -> LogState
    /// Entries from `position` on, in order, at most `limit`.
    func logEntries(petitionID: UUID, from position: UInt64, limit: Int) async throws -> [LogEntry]
    /// The stored subtrees among `coordinates` (``LogNodeCoordinate/isStored``).
    func logNodes(petitionID: UUID, _ coordinates: Set<LogNodeCoordinate>) async throws -> [LogNodeCoordinate: [UInt8]]
    /// The positions of the entries that name this receipt, in order.
    func logPositions(petitionID: UUID, receiptHash: [UInt8]) async throws -> [(position: UInt64, entry: LogEntry)]
    func latestTreeHead(petitionID: UUID) async throws -> SignedTreeHead?
    /// Every signed head, smallest first.
    func treeHeads(petitionID: UUID) async throws -> [SignedTreeHead]
    /// Stores a head; one already stored for that size (signed by another instance) is kept.
    func insert(_ head: SignedTreeHead) async throws
    /// Petitions whose log has grown past their latest signed head.
    func petitionsWithUnsignedEntries() async throws -> [UUID]
    /// Every petition with a log, for verification.
    func loggedPetitions() async throws -> [UUID]
}
