import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("Storage and migrations")
struct MigrationTests {
    @Test("migrations apply once, in order, and again do nothing", arguments: TestDatabase.all)
    func migrations(database: TestDatabase) async throws {
        let scratch = try ScratchDirectory(named: "migrations")
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let location = try await database.makeEmpty(in: directory)
        var settings = Settings()
        settings.database = location
        settings.dataDirectory = directory.path
        let first = try await runMigrations(settings: settings, logger: TestDatabase.logger)
        let second = try await runMigrations(settings: settings, logger: TestDatabase.logger)
        #expect(first == Migrations.all.map(\.version))
        #expect(second == first)
    }

    @Test(
        "a database with no schema has applied no migrations, found without a failing query",
        arguments: TestDatabase.all)
    func emptyDatabase(database: TestDatabase) async throws {
        try await database.withEmptyStore { store in
            #expect(try await store.appliedMigrations().isEmpty)
            try await store.migrate()
            #expect(try await store.appliedMigrations() == Migrations.all.map(\.version))
        }
    }

    @Test("a stored signature keeps no personal data in clear", arguments: TestDatabase.all)
    func sealedAtRest(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "canary-7f3a@example.org", name: "Canary Name 7f3a")
        }
        guard case .sqlite(let path) = instance.settings.database else { return }
        // The database file and its write-ahead log hold neither the name nor the address.
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data("canary-7f3a".utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data("Canary Name".utf8)) == nil, "\(file)")
        }
    }
}

@Suite("Indexes of signatures not confirmed")
struct UnconfirmedIndexTests {
    @Test(
        "the dashboard's count and the purge of pending signatures read the partial indexes",
        arguments: TestDatabase.all)
    func partialIndexesServeTheirQueries(database: TestDatabase) async throws {
        try await database.withEmptyStore { store in
            try await store.migrate()
            let counts = try await store.plan(
                of:
                    "SELECT state, COUNT(*) FROM signatures WHERE petition_id = 'p' AND \(unsafeRaw: SignatureIndexes.unconfirmed) GROUP BY state"
            )
            #expect(counts.contains("signatures_unconfirmed"), "\(counts)")
            let purge = try await store.plan(
                of: "SELECT id FROM signatures WHERE \(unsafeRaw: SignatureIndexes.pending) AND created_at < 1")
            #expect(purge.contains("signatures_pending_by_age"), "\(purge)")
        }
    }
}
