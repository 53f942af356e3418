import Foundation
import SQLKit

extension SQLStore {
    func logState(petitionID: UUID) async throws -> LogState {
        try await driver.read { db in
            try await SQLSignatureTransaction(db: db, flavor: driver.flavor).logStates(
                of: [petitionID], locking: false)[petitionID] ?? LogState()
        }
    }

    /// Positions are numbered without gaps, so the page is a bounded range of the primary key,
    /// read as such whatever PostgreSQL's statistics say (see ``logNodes(petitionID:_:)``).
    func logEntries(petitionID: UUID, from position: UInt64, limit: Int) async throws -> [LogEntry] {
        let start = Int64(clamping: position)
        let (sum, overflow) = start.addingReportingOverflow(Int64(max(0, limit)))
        let end = overflow ? Int64.max : sum
        return try await driver.scan { db in
            try await db.raw(
                """
                SELECT kind, receipt_hash, recorded_at FROM log_entries
                WHERE petition_id = \(bind: petitionID.text) AND position >= \(bind: start) AND position < \(bind: end)
                ORDER BY position
                """
            ).all().map { try Self.logEntry(from: $0, petitionID: petitionID) }
        }
    }

    func logNodes(petitionID: UUID, _ coordinates: Set<LogNodeCoordinate>) async throws -> [LogNodeCoordinate: [UInt8]]
    {
        guard !coordinates.isEmpty else { return [:] }
        // One lookup of the primary key for each level and run of nearby positions
        // (``clusters(of:)``): ORed pairs of level and position make SQLite read all of the
        // petition's nodes. The range bounds the index's read whatever PostgreSQL's statistics
        // say: planned on those from before a log grew, it read every node of the level for
        // each chunk, and checking a log just filled to 200,000 entries took 22 s instead of 4.
        // The lookups go together, joined by `UNION ALL`: a proof wants a node or two from each
        // of some twenty levels, and each lookup on its own was a round trip.
        let lookups = Dictionary(grouping: coordinates, by: \.level).sorted(by: { $0.key < $1.key }).flatMap {
            level, wanted in
            Self.clusters(of: wanted.map { Int64(clamping: $0.index) }.sorted()).compactMap {
                chunk -> SQLQueryString? in
                guard let first = chunk.first, let last = chunk.last else { return nil }
                return """
                    SELECT level, position, hash FROM log_nodes
                    WHERE petition_id = \(bind: petitionID.text) AND level = \(bind: level)
                        AND position BETWEEN \(bind: first) AND \(bind: last) AND position IN (\(binds: Array(chunk)))
                    """
            }
        }
        return try await driver.read { db in
            var found: [LogNodeCoordinate: [UInt8]] = [:]
            // At most 104 values a lookup: 64 lookups stay well below SQLite's 500 terms of a
            // compound statement and its 32,766 values.
            for group in lookups.chunks(of: 64) {
                let rows = try await db.raw("\(SQLList(Array(group), separator: SQLRaw(" UNION ALL ")))").all()
                for row in rows {
                    let coordinate = LogNodeCoordinate(
                        level: try row.decode(column: "level", as: Int.self),
                        index: UInt64(try row.decode(column: "position", as: Int64.self)))
                    found[coordinate] = Array(try row.decode(column: "hash", as: Data.self))
                }
            }
            return found
        }
    }

    /// Sorted positions in runs of at most 100, each close enough that its range reads few
    /// positions not asked for: a proof wants the first nodes of a level and the last, and
    /// one range over both read every node between (15,622 of them at one level of a log of a
    /// million entries).
    static func clusters(of positions: [Int64]) -> [[Int64]] {
        var clusters: [[Int64]] = []
        for position in positions {
            let gap = clusters.last?.last.map { position.subtractingReportingOverflow($0) }
            if let gap, !gap.overflow, gap.partialValue <= 64, clusters[clusters.count - 1].count < 100 {
                clusters[clusters.count - 1].append(position)
            } else {
                clusters.append([position])
            }
        }
        return clusters
    }

    /// `position + 0` keeps SQLite, which plans without statistics, from walking a whole log in
    /// order to save a sort of the few entries a receipt has.
    func logPositions(petitionID: UUID, receiptHash: [UInt8]) async throws -> [(position: UInt64, entry: LogEntry)] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT position, kind, receipt_hash, recorded_at FROM log_entries
                WHERE petition_id = \(bind: petitionID.text) AND receipt_hash = \(bind: Data(receiptHash))
                ORDER BY position + 0
                """
            ).all().map { row in
                (
                    UInt64(try row.decode(column: "position", as: Int64.self)),
                    try Self.logEntry(from: row, petitionID: petitionID)
                )
            }
        }
    }

    func latestTreeHead(petitionID: UUID) async throws -> SignedTreeHead? {
        try await driver.read { db in
            try await db.raw(
                "SELECT \(unsafeRaw: Self.treeHeadColumns) FROM tree_heads WHERE petition_id = \(bind: petitionID.text) ORDER BY size DESC LIMIT 1"
            ).first().map { try Self.treeHead(from: $0, petitionID: petitionID) }
        }
    }

    func treeHeads(petitionID: UUID) async throws -> [SignedTreeHead] {
        try await driver.read { db in
            try await db.raw(
                "SELECT \(unsafeRaw: Self.treeHeadColumns) FROM tree_heads WHERE petition_id = \(bind: petitionID.text) ORDER BY size"
            ).all().map { try Self.treeHead(from: $0, petitionID: petitionID) }
        }
    }

    func insert(_ head: SignedTreeHead) async throws {
        try await driver.transaction { db in
            try await db.raw(
                """
                INSERT INTO tree_heads (petition_id, size, root, signed_count, signed_at, key_id, signature)
                VALUES (\(bind: head.petitionID.text), \(bind: Int64(head.size)), \(bind: Data(head.root)), \(bind: head.count),
                        \(bind: head.timestamp.millis), \(bind: head.keyID), \(bind: Data(head.signature)))
                ON CONFLICT (petition_id, size) DO NOTHING
                """
            ).run()
        }
    }

    func petitionsWithUnsignedEntries() async throws -> [UUID] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT petition_id FROM log_state s
                WHERE size > COALESCE((SELECT MAX(size) FROM tree_heads h WHERE h.petition_id = s.petition_id), 0)
                """
            ).all().map { try UUID(text: $0.decode(column: "petition_id", as: String.self)) }
        }
    }

    func loggedPetitions() async throws -> [UUID] {
        try await driver.read { db in
            try await db.raw("SELECT petition_id FROM log_state ORDER BY petition_id").all().map {
                try UUID(text: $0.decode(column: "petition_id", as: String.self))
            }
        }
    }

    private static let treeHeadColumns = "size, root, signed_count, signed_at, key_id, signature"

    private static func treeHead(from row: any SQLRow, petitionID: UUID) throws -> SignedTreeHead {
        SignedTreeHead(
            petitionID: petitionID, size: UInt64(try row.decode(column: "size", as: Int64.self)),
            root: Array(try row.decode(column: "root", as: Data.self)),
            count: try row.decode(column: "signed_count", as: Int.self),
            timestamp: Date(millis: try row.decode(column: "signed_at", as: Int64.self)),
            keyID: try row.decode(column: "key_id", as: String.self),
            signature: Array(try row.decode(column: "signature", as: Data.self)))
    }

    static func logEntry(from row: any SQLRow, petitionID: UUID) throws -> LogEntry {
        LogEntry(
            petitionID: petitionID, kind: try LogEntryKind(stored: row.decode(column: "kind", as: String.self)),
            receiptHash: Array(try row.decode(column: "receipt_hash", as: Data.self)),
            recordedAt: Date(millis: try row.decode(column: "recorded_at", as: Int64.self)))
    }
}

extension SQLSignatureTransaction {
    /// The logs of `petitionIDs`; with `locking`, locked in the order of their ids, so that
    /// concurrent instances lock them without deadlock. A petition with no log yet has none.
    func logStates(of petitionIDs: [UUID], locking: Bool) async throws -> [UUID: LogState] {
        guard !petitionIDs.isEmpty else { return [:] }
        var states: [UUID: LogState] = [:]
        let rows = try await db.raw(
            """
            SELECT petition_id, size, frontier, confirmed FROM log_state WHERE petition_id IN (\(binds: petitionIDs.map(\.text)))
            ORDER BY petition_id \(unsafeRaw: locking ? flavor.lockRows : "")
            """
        ).all()
        for row in rows {
            states[try UUID(text: row.decode(column: "petition_id", as: String.self))] = LogState(
                frontier: try MerkleFrontier(
                    size: UInt64(try row.decode(column: "size", as: Int64.self)),
                    encodedSubtrees: Array(try row.decode(column: "frontier", as: Data.self))),
                count: try row.decode(column: "confirmed", as: Int.self))
        }
        return states
    }
}
