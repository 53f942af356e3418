import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("The outbox's storage")
struct OutboxStorageTests {
    @Test(
        "on PostgreSQL, queued emails stay in their rows: none goes to the TOAST table, and each is claimed whole",
        arguments: TestDatabase.all.filter { $0 == .postgres })
    func sealedMessagesInline(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let sql = try #require(store.database as? SQLStore)
            // Long, like an announcement: past the 2 KB from which PostgreSQL moves a value out of its row.
            let emails = try (0..<20).map { number in
                let message = EmailMessage(
                    to: "inline\(number)@example.org", subject: "Your signature is counted",
                    textBody: String(repeating: "Your receipt code proves your signature is counted. ", count: 30),
                    htmlBody: String(repeating: "<p>Your receipt code proves it.</p>", count: 30), createdAt: Date())
                return QueuedEmail(
                    id: message.id, sealedMessage: try store.sealer.seal(message, in: .outbox(message.id)),
                    createdAt: message.createdAt)
            }
            #expect(emails.allSatisfy { $0.sealedMessage.count > 2_500 })
            try await store.database.write { transaction in try await transaction.enqueue(emails) }

            let toastRows = try await sql.driver.read { db in
                let toast = try #require(
                    try await db.raw(
                        "SELECT reltoastrelid::regclass::text AS toast FROM pg_class WHERE relname = 'outbox'"
                    ).first())
                let table = try toast.decode(column: "toast", as: String.self)
                let count = try #require(try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first())
                return try count.decode(column: "n", as: Int.self)
            }
            #expect(toastRows == 0)

            let claimed = try await store.database.claimDueEmails(
                limit: 100, now: Date().addingTimeInterval(60), leaseUntil: Date().addingTimeInterval(600))
            let queued = Dictionary(uniqueKeysWithValues: emails.map { ($0.id, $0.sealedMessage) })
            #expect(claimed.count == emails.count)
            for email in claimed { #expect(queued[email.id] == email.sealedMessage) }
        }
    }
}
