import Foundation
import SQLKit
import Testing

@testable import Undersigned

extension TestDatabase {
    /// A new, empty database of this kind in a directory of its own, opened as the SQL store,
    /// its services running during `body`. Nothing is migrated.
    func withEmptyStore(_ body: (SQLStore) async throws -> Void) async throws {
        let scratch = try ScratchDirectory(named: "store")
        defer { withExtendedLifetime(scratch) {} }
        let opened = try await openDatabase(try await makeEmpty(in: scratch.url), logger: Self.logger)
        let store = try #require(opened as? SQLStore)
        try await withServices(of: opened) { try await body(store) }
    }
}

extension SQLStore {
    /// The schema as the migrations before `version` left it, recorded as applied, so that a
    /// test can store rows in it and see what `migrate()` does to them.
    func migrate(before version: Int) async throws {
        let flavor = driver.flavor
        try await driver.transaction { db in
            try await db.raw(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
            for migration in Migrations.all where migration.version < version {
                for statement in migration.statements(flavor) { try await db.raw("\(unsafeRaw: statement)").run() }
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), 0)"
                ).run()
            }
        }
    }
}

extension SQLStore {
    /// How the database would run `query`: SQLite's query plan, or PostgreSQL's `EXPLAIN`
    /// kept off sequential scans, which it would rightly prefer on a table of a few rows.
    func plan(of query: SQLQueryString) async throws -> String {
        let flavor = driver.flavor
        return try await driver.transaction { db in
            if flavor.isShared {
                try await db.raw("SET LOCAL enable_seqscan = off").run()
                return try await db.raw("EXPLAIN " + query).all().map {
                    try $0.decode(column: "QUERY PLAN", as: String.self)
                }.joined(separator: "\n")
            }
            return try await db.raw("EXPLAIN QUERY PLAN " + query).all().map {
                try $0.decode(column: "detail", as: String.self)
            }.joined(separator: "\n")
        }
    }
}
