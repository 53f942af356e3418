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

    /// What stalled a backlog of 54,000 emails for minutes: statistics taken while the outbox
    /// held one row on many pages, then the pages filled again. PostgreSQL then believed the
    /// outbox to hold a row or so, and planned the claim as a nested loop over all of it.
    @Test(
        "on PostgreSQL, a claim planned from a one-row outbox's statistics leases its limit, with no nested loop",
        arguments: TestDatabase.all.filter { $0 == .postgres })
    func claimWithStaleStatistics(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let sql = try #require(store.database as? SQLStore)
            func enqueue(_ count: Int) async throws {
                let emails = try (0..<count).map { try store.queuedEmail(to: "due\($0)@example.org") }
                try await store.database.write { transaction in try await transaction.enqueue(emails) }
            }
            try await sql.driver.read { db in
                try await db.raw("ALTER TABLE outbox SET (autovacuum_enabled = false)").run()
            }
            try await enqueue(1_000)
            try await sql.driver.read { db in
                // The row on the last page stays, so that the emptied pages before it stay too.
                try await db.raw("DELETE FROM outbox WHERE ctid <> (SELECT MAX(ctid) FROM outbox)").run()
                try await db.raw("VACUUM ANALYZE outbox").run()
            }
            try await enqueue(1_000)

            let now = Date().addingTimeInterval(60)
            let claim = SQLStore.claiming(
                limit: 10, now: now, leaseUntil: now.addingTimeInterval(600), flavor: sql.driver.flavor)
            let plan = try await sql.driver.read { db in
                try await db.raw("EXPLAIN " + claim).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
            }
            // Joined to its subquery, the claim read the whole outbox for each batch, if not for each row.
            #expect(!plan.contains { $0.contains("Nested Loop") }, "\(plan.joined(separator: "\n"))")
            let claimed = try await sql.driver.transaction { db in try await db.raw(claim).all().count }
            #expect(claimed == 10)
            let leased = try await sql.driver.read { db in
                try #require(try await db.raw("SELECT COUNT(*) AS n FROM outbox WHERE attempts > 0").first())
                    .decode(column: "n", as: Int.self)
            }
            #expect(leased == 10)
        }
    }
}
