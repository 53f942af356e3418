import Foundation
import SQLKit

/// Updates and responses emailed to opted-in signers a page at a time, and unsubscribing.
extension SQLStore {
    /// - Parameter updateID: the organizer's update it emails; `nil` for a target's response.
    static func insert(_ announcement: Announcement, updateID: UUID?, in db: any SQLDatabase) async throws {
        let lead: (kind: String?, name: String?) =
            switch announcement.lead {
            case .update(let organizer): ("update", organizer)
            case .response(let target): ("response", target)
            case nil: (nil, nil)
            }
        try await db.raw(
            """
            INSERT INTO announcements (id, petition_id, subject, body, created_at, update_id, lead_kind, lead_name)
            VALUES (\(bind: announcement.id.text), \(bind: announcement.petitionID.text), \(bind: announcement.subject),
                    \(bind: announcement.body), \(bind: announcement.createdAt.millis), \(bind: updateID?.text),
                    \(bind: lead.kind), \(bind: lead.name))
            """
        ).run()
    }

    func unfinishedAnnouncements() async throws -> [Announcement] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT id, petition_id, subject, body, created_at, lead_kind, lead_name FROM announcements
                WHERE finished_at IS NULL ORDER BY created_at
                """
            )
            .all().map { row in
                let leadName = try row.decode(column: "lead_name", as: String?.self) ?? ""
                let lead: Announcement.Lead? =
                    switch try row.decode(column: "lead_kind", as: String?.self) {
                    case "update": .update(organizer: leadName)
                    case "response": .response(target: leadName)
                    default: nil
                    }
                return Announcement(
                    id: try UUID(text: row.decode(column: "id", as: String.self)),
                    petitionID: try UUID(text: row.decode(column: "petition_id", as: String.self)), lead: lead,
                    subject: try row.decode(column: "subject", as: String.self),
                    body: try row.decode(column: "body", as: String.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
            }
        }
    }

    func sendNextPage(
        of announcement: Announcement, limit: Int, at now: Date,
        compose: @Sendable ([AnnouncementRecipient]) throws -> [QueuedEmail]
    ) async throws -> Int {
        let flavor = driver.flavor
        return try await driver.transaction { db in
            // Another instance holding this announcement is sending it: leave it to that one.
            guard
                let state = try await db.raw(
                    """
                    SELECT cursor_created_at, cursor_id FROM announcements
                    WHERE id = \(bind: announcement.id.text) AND finished_at IS NULL \(unsafeRaw: flavor.skipLocked)
                    """
                ).first()
            else { return 0 }
            let after: SQLQueryString =
                if let createdAt = try state.decode(column: "cursor_created_at", as: Int64?.self),
                    let id = try state.decode(column: "cursor_id", as: String?.self)
                {
                    Self.signaturesAfter(createdAt: createdAt, id: id)
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
                try await db.raw(
                    "UPDATE announcements SET finished_at = \(bind: now.millis) WHERE id = \(bind: announcement.id.text)"
                ).run()
                return 0
            }
            let recipients = try rows.map { row in
                AnnouncementRecipient(
                    signatureID: try UUID(text: row.decode(column: "id", as: String.self)),
                    sealedPersonalData: Array(try row.decode(column: "personal_data", as: Data.self)))
            }
            try await db.enqueue(try compose(recipients), flavor: driver.flavor)
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
            try await db.dropQueuedEmails(aboutSignatures: "\(bind: signatureID.text)", newsOnly: true)
            return try await db.raw(
                "UPDATE signatures SET wants_updates = \(bind: false) WHERE id = \(bind: signatureID.text) AND wants_updates = \(bind: true) RETURNING id"
            ).all().count == 1
        }
    }
}
