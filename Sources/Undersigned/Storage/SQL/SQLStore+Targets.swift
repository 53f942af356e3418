import Foundation
import SQLKit

extension SQLStore {
    func insertTargetLink(petitionID: UUID, targetPosition: Int, tokenHash: [UInt8], at date: Date, audit: AuditEvent)
        async throws
    {
        try await driver.transaction { db in
            try await db.raw(
                """
                INSERT INTO target_links (token_hash, petition_id, target_position, created_at)
                VALUES (\(bind: Data(tokenHash)), \(bind: petitionID.text), \(bind: targetPosition), \(bind: date.millis))
                """
            ).run()
            try await db.record(audit)
        }
    }

    func revokeTargetLinks(petitionID: UUID, targetPosition: Int, at date: Date, audit: AuditEvent) async throws -> Int
    {
        try await driver.transaction { db in
            let revoked = try await db.raw(
                """
                UPDATE target_links SET revoked_at = \(bind: date.millis)
                WHERE petition_id = \(bind: petitionID.text) AND target_position = \(bind: targetPosition) AND revoked_at IS NULL
                RETURNING token_hash
                """
            ).all().count
            if revoked > 0 { try await db.record(audit) }
            return revoked
        }
    }

    func target(forLinkHash hash: [UInt8]) async throws -> (petitionID: UUID, targetPosition: Int)? {
        try await driver.read { db in
            try await db.raw(
                "SELECT petition_id, target_position FROM target_links WHERE token_hash = \(bind: Data(hash)) AND revoked_at IS NULL"
            ).first().map { row in
                (
                    try UUID(text: row.decode(column: "petition_id", as: String.self)),
                    try row.decode(column: "target_position", as: Int.self)
                )
            }
        }
    }

    func insert(
        _ response: TargetResponse, within limits: ResponseLimits, audit: AuditEvent, notifying emails: [QueuedEmail]
    ) async throws
        -> ResponseAdmission
    {
        let flavor = driver.flavor
        return try await driver.transaction { db in
            // Responses through the same target's links wait for each other here, so that the limits hold.
            _ = try await db.raw(
                """
                SELECT token_hash FROM target_links
                WHERE petition_id = \(bind: response.petitionID.text) AND target_position = \(bind: response.targetPosition) \(unsafeRaw: flavor.lockRows)
                """
            ).all()
            let since = limits.since.millis
            let counts = try await db.raw(
                """
                SELECT COALESCE(SUM(CASE WHEN state = \(bind: ResponseState.pending.rawValue) THEN 1 ELSE 0 END), 0) AS pending,
                       COALESCE(SUM(CASE WHEN created_at > \(bind: since) THEN 1 ELSE 0 END), 0) AS recent,
                       MIN(CASE WHEN created_at > \(bind: since) THEN created_at END) AS oldest
                FROM responses WHERE petition_id = \(bind: response.petitionID.text) AND target_position = \(bind: response.targetPosition)
                """
            ).first()
            if try counts?.decode(column: "pending", as: Int.self) ?? 0 >= limits.pending { return .tooManyPending }
            if try counts?.decode(column: "recent", as: Int.self) ?? 0 >= limits.perDay {
                return .tooManyToday(
                    oldest: Date(millis: try counts?.decode(column: "oldest", as: Int64?.self) ?? since))
            }
            try await db.raw(
                """
                INSERT INTO responses (id, petition_id, target_position, body_markdown, created_at, state)
                VALUES (\(bind: response.id.text), \(bind: response.petitionID.text), \(bind: response.targetPosition),
                        \(bind: response.bodyMarkdown), \(bind: response.createdAt.millis), \(bind: response.state.rawValue))
                """
            ).run()
            try await db.record(audit)
            try await db.enqueue(emails, flavor: driver.flavor)
            return .accepted
        }
    }

    func responses(petitionID: UUID) async throws -> [TargetResponse] {
        try await driver.read { db in
            try await Self.responses(in: db, petitionID: petitionID, onlyApproved: false)
        }
    }

    func decide(
        responseID: UUID, petitionID: UUID, as state: ResponseState, at date: Date, by accountID: UUID,
        announcing announcement: Announcement?,
        audit: AuditEvent
    ) async throws -> Bool {
        return try await driver.transaction { db in
            guard
                try await db.raw(
                    """
                    UPDATE responses SET state = \(bind: state.rawValue), decided_at = \(bind: date.millis), decided_by = \(bind: accountID.text)
                    WHERE id = \(bind: responseID.text) AND petition_id = \(bind: petitionID.text) AND state = \(bind: ResponseState.pending.rawValue)
                    RETURNING id
                    """
                ).first() != nil
            else { return false }
            if let announcement { try await Self.insert(announcement, updateID: nil, in: db) }
            try await db.record(audit)
            return true
        }
    }

    /// Oldest first; the petition's page shows only the approved ones.
    static func responses(in db: any SQLDatabase, petitionID: UUID, onlyApproved: Bool = true) async throws
        -> [TargetResponse]
    {
        let filter: SQLQueryString = onlyApproved ? "AND state = \(bind: ResponseState.approved.rawValue)" : ""
        return try await db.raw(
            """
            SELECT id, target_position, body_markdown, created_at, state, decided_at FROM responses
            WHERE petition_id = \(bind: petitionID.text) \(filter) ORDER BY created_at, id
            """
        ).all().map { row in
            TargetResponse(
                id: try UUID(text: row.decode(column: "id", as: String.self)), petitionID: petitionID,
                targetPosition: try row.decode(column: "target_position", as: Int.self),
                bodyMarkdown: try row.decode(column: "body_markdown", as: String.self),
                createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                state: try ResponseState(stored: row.decode(column: "state", as: String.self)),
                decidedAt: try row.decode(column: "decided_at", as: Int64?.self).map(Date.init(millis:)))
        }
    }
}
