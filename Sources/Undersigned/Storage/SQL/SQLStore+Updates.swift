import Foundation
import SQLKit

/// Organizers' updates: read with their petition for its page, and with their emails'
/// progress for the organizers.
extension SQLStore {
    func postedUpdates(petitionID: UUID) async throws -> [PostedUpdate] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT u.id, u.subject, u.body_markdown, u.created_at, a.name AS author_name, n.recipients, n.finished_at
                FROM updates u LEFT JOIN accounts a ON a.id = u.author_account_id LEFT JOIN announcements n ON n.update_id = u.id
                WHERE u.petition_id = \(bind: petitionID.text) ORDER BY u.created_at DESC, u.id
                """
            ).all().map { row in
                PostedUpdate(
                    update: try Self.update(from: row),
                    authorName: try row.decode(column: "author_name", as: String?.self),
                    emailed: try row.decode(column: "recipients", as: Int?.self) ?? 0,
                    emailFinished: try row.decode(column: "finished_at", as: Int64?.self) != nil)
            }
        }
    }

    func newsRecipientCount(petitionID: UUID) async throws -> Int {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS recipients FROM signatures
                WHERE petition_id = \(bind: petitionID.text) AND state = \(bind: SignatureState.confirmed.rawValue)
                  AND wants_updates = \(bind: true) AND personal_data IS NOT NULL
                """
            ).first()?.decode(column: "recipients", as: Int.self) ?? 0
        }
    }

    /// Newest first, as the petition page shows them.
    static func updates(in db: any SQLDatabase, petitionID: UUID) async throws -> [PetitionUpdate] {
        try await db.raw(
            """
            SELECT id, subject, body_markdown, created_at FROM updates WHERE petition_id = \(bind: petitionID.text)
            ORDER BY created_at DESC, id
            """
        ).all().map(update(from:))
    }

    private static func update(from row: any SQLRow) throws -> PetitionUpdate {
        PetitionUpdate(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            subject: try row.decode(column: "subject", as: String.self),
            bodyMarkdown: try row.decode(column: "body_markdown", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }
}

extension SQLPetitionTransaction {
    func insert(_ update: PetitionUpdate, petitionID: UUID, author: UUID?, announcing announcement: Announcement)
        async throws
    {
        try await db.raw(
            """
            INSERT INTO updates (id, petition_id, subject, body_markdown, author_account_id, created_at)
            VALUES (\(bind: update.id.text), \(bind: petitionID.text), \(bind: update.subject), \(bind: update.bodyMarkdown), \(bind: author?.text),
                    \(bind: update.createdAt.millis))
            """
        ).run()
        try await SQLStore.insert(announcement, updateID: update.id, in: db)
    }
}
