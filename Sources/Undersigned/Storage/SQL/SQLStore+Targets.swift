import Foundation
import SQLKit

extension SQLStore {
    func insertTargetLink(petitionID: UUID, targetPosition: Int, tokenHash: [UInt8], at date: Date, audit: AuditEvent) async throws {
        try await driver.transaction { db in
            try await db.raw(
                """
                INSERT INTO target_links (token_hash, petition_id, target_position, created_at)
                VALUES (\(bind: Data(tokenHash)), \(bind: petitionID.text), \(bind: targetPosition), \(bind: date.millis))
                """
            ).run()
            try await SQLAccountTransaction(db: db, flavor: driver.flavor).record(audit)
        }
    }

    func revokeTargetLinks(petitionID: UUID, targetPosition: Int, at date: Date, audit: AuditEvent) async throws -> Int {
        try await driver.transaction { db in
            let revoked = try await db.raw(
                """
                UPDATE target_links SET revoked_at = \(bind: date.millis)
                WHERE petition_id = \(bind: petitionID.text) AND target_position = \(bind: targetPosition) AND revoked_at IS NULL
                RETURNING token_hash
                """
            ).all().count
            if revoked > 0 { try await SQLAccountTransaction(db: db, flavor: driver.flavor).record(audit) }
            return revoked
        }
    }

    func target(forLinkHash hash: [UInt8]) async throws -> (petitionID: UUID, targetPosition: Int)? {
        try await driver.read { db in
            try await db.raw(
                "SELECT petition_id, target_position FROM target_links WHERE token_hash = \(bind: Data(hash)) AND revoked_at IS NULL"
            ).first().map { row in
                (try UUID(text: row.decode(column: "petition_id", as: String.self)), try row.decode(column: "target_position", as: Int.self))
            }
        }
    }

    func insert(_ response: TargetResponse, announcing announcement: Announcement) async throws {
        try await driver.transaction { db in
            try await db.raw(
                """
                INSERT INTO responses (id, petition_id, target_position, body_markdown, created_at)
                VALUES (\(bind: response.id.text), \(bind: response.petitionID.text), \(bind: response.targetPosition),
                        \(bind: response.bodyMarkdown), \(bind: response.createdAt.millis))
                """
            ).run()
            try await db.raw(
                """
                INSERT INTO announcements (id, petition_id, subject, body, created_at)
                VALUES (\(bind: announcement.id.text), \(bind: announcement.petitionID.text), \(bind: announcement.subject),
                        \(bind: announcement.body), \(bind: announcement.createdAt.millis))
                """
            ).run()
        }
    }

    func responses(petitionID: UUID) async throws -> [TargetResponse] {
        try await driver.read { db in
            try await Self.responses(in: db, petitionID: petitionID)
        }
    }

    static func responses(in db: any SQLDatabase, petitionID: UUID) async throws -> [TargetResponse] {
        try await db.raw(
            "SELECT id, target_position, body_markdown, created_at FROM responses WHERE petition_id = \(bind: petitionID.text) ORDER BY created_at, id"
        ).all().map { row in
            TargetResponse(
                id: try UUID(text: row.decode(column: "id", as: String.self)), petitionID: petitionID,
                targetPosition: try row.decode(column: "target_position", as: Int.self),
                bodyMarkdown: try row.decode(column: "body_markdown", as: String.self),
                createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    // MARK: Announcements

    func unfinishedAnnouncements() async throws -> [Announcement] {
        try await driver.read { db in
            try await db.raw("SELECT id, petition_id, subject, body, created_at FROM announcements WHERE finished_at IS NULL ORDER BY created_at")
                .all().map { row in
                    Announcement(
                        id: try UUID(text: row.decode(column: "id", as: String.self)),
                        petitionID: try UUID(text: row.decode(column: "petition_id", as: String.self)),
                        subject: try row.decode(column: "subject", as: String.self), body: try row.decode(column: "body", as: String.self),
                        createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
                }
        }
    }

    func sendNextPage(
        of announcement: Announcement, limit: Int, compose: @Sendable ([AnnouncementRecipient]) throws -> [QueuedEmail]
    ) async throws -> Int {
        let flavor = driver.flavor
        return try await driver.transaction { db in
            // Another instance holding this announcement is sending it: leave it to that one.
            guard let state = try await db.raw(
                """
                SELECT cursor_created_at, cursor_id FROM announcements
                WHERE id = \(bind: announcement.id.text) AND finished_at IS NULL \(unsafeRaw: flavor.skipLocked)
                """
            ).first() else { return 0 }
            let after: SQLQueryString =
                if let createdAt = try state.decode(column: "cursor_created_at", as: Int64?.self),
                    let id = try state.decode(column: "cursor_id", as: String?.self)
                {
                    "AND (created_at > \(bind: createdAt) OR (created_at = \(bind: createdAt) AND id > \(bind: id)))"
                } else {
                    ""
                }
            let rows = try await db.raw(
                """
                SELECT id, created_at, personal_data FROM signatures
                WHERE petition_id = \(bind: announcement.petitionID.text) AND state = \(bind: SignatureState.confirmed.rawValue)
                  AND wants_updates = \(bind: true) AND personal_data IS NOT NULL \(after)
                ORDER BY created_at, id LIMIT \(bind: limit)
                """
            ).all()
            guard let last = rows.last else {
                try await db.raw("UPDATE announcements SET finished_at = \(bind: Date().millis) WHERE id = \(bind: announcement.id.text)").run()
                return 0
            }
            let recipients = try rows.map { row in
                AnnouncementRecipient(
                    signatureID: try UUID(text: row.decode(column: "id", as: String.self)),
                    sealedPersonalData: Array(try row.decode(column: "personal_data", as: Data.self)))
            }
            try await SQLSignatureTransaction(db: db, flavor: flavor).enqueue(try compose(recipients))
            try await db.raw(
                """
                UPDATE announcements SET cursor_created_at = \(bind: try last.decode(column: "created_at", as: Int64.self)),
                    cursor_id = \(bind: try last.decode(column: "id", as: String.self)), recipients = recipients + \(bind: recipients.count)
                WHERE id = \(bind: announcement.id.text)
                """
            ).run()
            return recipients.count
        }
    }

    func unsubscribe(signatureID: UUID) async throws -> Bool {
        try await driver.transaction { db in
            try await db.raw(
                "UPDATE signatures SET wants_updates = \(bind: false) WHERE id = \(bind: signatureID.text) AND wants_updates = \(bind: true) RETURNING id"
            ).all().count == 1
        }
    }
}
