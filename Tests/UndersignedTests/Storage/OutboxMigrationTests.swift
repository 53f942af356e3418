import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("Outbox migration")
struct OutboxMigrationTests {
    @Test("messages queued before migration 4 stay queued and are sent after it", arguments: TestDatabase.all)
    func upgrade(database: TestDatabase) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-migration-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let opened = try await openDatabase(try await database.makeEmpty(in: directory), logger: TestDatabase.logger)
        let store = try #require(opened as? SQLStore)
        let id = UUID()
        try await withServices(of: opened) {
            // The schema as version 3 left it, with one message waiting.
            let flavor = store.driver.flavor
            try await store.driver.transaction { db in
                try await db.raw(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
                ).run()
                for migration in Migrations.all where migration.version < 4 {
                    for statement in migration.statements(flavor) { try await db.raw("\(unsafeRaw: statement)").run() }
                    try await db.raw(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), 0)"
                    ).run()
                }
                try await db.raw(
                    "INSERT INTO outbox (id, sealed_message, created_at, next_attempt_at, attempts) VALUES (\(bind: id.text), \(bind: Data([1, 2, 3])), 0, 0, 2)"
                ).run()
            }
            try await store.migrate()
            #expect(try await store.appliedMigrations().contains(4))
            let entries = try await store.outboxEntries(limit: 10)
            #expect(entries.map(\.id) == [id])
            #expect(entries.map(\.state) == [.queued])
            #expect(entries.first?.history.isEmpty == true)
            let claimed = try await store.claimDueEmails(
                limit: 10, now: Date(), leaseUntil: Date().addingTimeInterval(60))
            #expect(claimed.map(\.attempts) == [3])
        }
    }
}
