import Foundation
import SQLKit

/// The counters that pages, the API and dashboards read, so that they never count rows, and
/// the signature logs, moved together (``CountedChanges``).
extension SQLSignatureTransaction {
    /// Rows of each kind a combined statement may carry, so that its bound values stay well
    /// below PostgreSQL's 65,535: a log entry binds 5 values and its stored subtrees half of
    /// one on average, an email 5.
    private static let combinedRows = 2_000

    /// Each transaction locks the logs first, in the order of their ids, then the petitions'
    /// rows: in the same order everywhere, so concurrent instances cannot deadlock.
    func record(_ change: CountedChange, queueing outgoing: OutgoingEmails) async throws
        -> [Goal.Standing]
    {
        let combined = flavor.combinesWrites && change.entries.count <= Self.combinedRows
        let rowsEach = combined ? Self.combinedRows : 400
        var writes = try await logWrites(change.entries, rowsEach: rowsEach)
        writes += counterWrites(change, rowsEach: rowsEach)
        let outbox = OutboxInserts.statements(outgoing, rowsEach: rowsEach, flavor: flavor)
        let counts = change.petitions.sorted(by: { $0.key.text < $1.key.text }).map { petitionID, delta in
            """
            UPDATE petitions SET signature_count = signature_count + \(bind: delta) WHERE id = \(bind: petitionID.text)
            RETURNING id, organization_id, signature_count, goal, goal_reached
            """ as SQLQueryString
        }
        guard combined else {
            for write in writes + outbox { try await db.raw(write).run() }
            var rows: [any SQLRow] = []
            for count in counts { rows += try await db.raw(count).all() }
            return try rows.map(Self.standing(from:))
        }
        if outgoing.leased.count + outgoing.claimable.count <= Self.combinedRows {
            writes += outbox
        } else {
            for insert in outbox { try await db.raw(insert).run() }
        }
        // One round trip: each write rides in the `WITH` clause of the statement that reads
        // the counts back.
        let clauses =
            writes.enumerated().map { "write\(unsafeRaw: String($0.offset)) AS (\($0.element))" as SQLQueryString }
            + counts.enumerated().map { "count\(unsafeRaw: String($0.offset)) AS (\($0.element))" as SQLQueryString }
        let reads = counts.indices.map {
            "SELECT id, organization_id, signature_count, goal, goal_reached FROM count\(unsafeRaw: String($0))"
                as SQLQueryString
        }
        let rows = try await db.raw(
            "WITH \(SQLList(clauses, separator: SQLRaw(", "))) \(SQLList(reads, separator: SQLRaw(" UNION ALL ")))"
        ).all()
        return try rows.map(Self.standing(from:))
    }

    /// Appends the entries to their petitions' logs, in the order given: their rows, the stored
    /// subtrees they complete, and each log's new head. Reads and locks the logs.
    private func logWrites(_ entries: [LogEntry], rowsEach: Int) async throws -> [SQLQueryString] {
        let byPetition = Dictionary(grouping: entries, by: \.petitionID)
        let petitionIDs = byPetition.keys.sorted(by: { $0.text < $1.text })
        let states = try await logStates(of: petitionIDs, locking: true)
        var entryRows: [(petitionID: UUID, position: Int64, entry: LogEntry)] = []
        var nodeRows: [(petitionID: UUID, node: MerkleFrontier.CompletedNode)] = []
        var heads: [SQLQueryString] = []
        for petitionID in petitionIDs {
            var state = states[petitionID] ?? LogState()
            for entry in byPetition[petitionID, default: []] {
                entryRows.append((petitionID, Int64(state.frontier.size), entry))
                for node in state.frontier.append(leafHash: entry.leafHash) where node.coordinate.isStored {
                    nodeRows.append((petitionID, node))
                }
                state.count += entry.kind.countChange
            }
            heads.append(
                """
                UPDATE log_state SET size = \(bind: Int64(state.frontier.size)), frontier = \(bind: Data(state.frontier.encodedSubtrees)),
                    confirmed = \(bind: state.count)
                WHERE petition_id = \(bind: petitionID.text)
                """)
        }
        let entryInserts = entryRows.chunks(of: rowsEach).map { chunk -> SQLQueryString in
            let rows = BatchRows(columns: [
                .text(chunk.map(\.petitionID.text)), .integers(chunk.map(\.position)),
                .text(chunk.map(\.entry.kind.rawValue)), .bytes(chunk.map { Data($0.entry.receiptHash) }),
                .integers(chunk.map(\.entry.recordedAt.millis)),
            ])
            return
                "INSERT INTO log_entries (petition_id, position, kind, receipt_hash, recorded_at) \(rows.source(flavor))"
        }
        let nodeInserts = nodeRows.chunks(of: rowsEach).map { chunk -> SQLQueryString in
            let levels: [Int64?] = chunk.map { Int64($0.node.level) }
            let positions: [Int64?] = chunk.map { Int64($0.node.index) }
            let rows = BatchRows(columns: [
                .text(chunk.map(\.petitionID.text)), .integers(levels), .integers(positions),
                .bytes(chunk.map { Data($0.node.hash) }),
            ])
            return "INSERT INTO log_nodes (petition_id, level, position, hash) \(rows.source(flavor))"
        }
        return entryInserts + nodeInserts + heads
    }

    /// The counters per country and per day of confirmation and source, in a fixed order.
    private func counterWrites(_ change: CountedChange, rowsEach: Int) -> [SQLQueryString] {
        let countries = change.countries.sorted(by: {
            ($0.key.petitionID.text, $0.key.country) < ($1.key.petitionID.text, $1.key.country)
        })
        let days = change.days.sorted(by: {
            ($0.key.petitionID.text, $0.key.day, $0.key.source.rawValue)
                < ($1.key.petitionID.text, $1.key.day, $1.key.source.rawValue)
        })
        let countryWrites = countries.chunks(of: rowsEach).map { chunk in
            let rows = chunk.map {
                "(\(bind: $0.key.petitionID.text), \(bind: $0.key.country), \(bind: $0.value))" as SQLQueryString
            }
            return """
                INSERT INTO country_counts (petition_id, country, confirmed) VALUES \(SQLList(rows, separator: SQLRaw(", ")))
                ON CONFLICT (petition_id, country) DO UPDATE SET confirmed = country_counts.confirmed + excluded.confirmed
                """ as SQLQueryString
        }
        let dayWrites = days.chunks(of: rowsEach).map { chunk in
            let rows = chunk.map {
                "(\(bind: $0.key.petitionID.text), \(bind: $0.key.day.number), \(bind: $0.key.source.rawValue), \(bind: $0.value))"
                    as SQLQueryString
            }
            return """
                INSERT INTO daily_confirmations (petition_id, day, source, confirmed) VALUES \(SQLList(rows, separator: SQLRaw(", ")))
                ON CONFLICT (petition_id, day, source) DO UPDATE SET confirmed = daily_confirmations.confirmed + excluded.confirmed
                """ as SQLQueryString
        }
        return countryWrites + dayWrites
    }

    private static func standing(from row: any SQLRow) throws -> Goal.Standing {
        Goal.Standing(
            petitionID: try UUID(text: row.decode(column: "id", as: String.self)),
            organizationID: try row.decode(column: "organization_id", as: String?.self).map { try UUID(text: $0) },
            count: try row.decode(column: "signature_count", as: Int.self),
            goal: try row.decode(column: "goal", as: Int.self),
            toldReached: try row.decode(column: "goal_reached", as: Int.self))
    }

    func markGoalReached(petitionID: UUID, goal: Int) async throws -> Bool {
        try await db.raw(
            """
            UPDATE petitions SET goal_reached = \(bind: goal)
            WHERE id = \(bind: petitionID.text) AND goal_reached < \(bind: goal)
            RETURNING id
            """
        ).first() != nil
    }

    func enqueue(_ emails: OutgoingEmails) async throws {
        try await db.enqueue(emails, flavor: flavor)
    }
}
