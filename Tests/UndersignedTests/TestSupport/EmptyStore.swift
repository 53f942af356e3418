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
        try await migrate(Migrations.all.filter { $0.version < version })
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
