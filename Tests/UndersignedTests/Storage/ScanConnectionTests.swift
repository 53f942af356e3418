import Foundation
import SQLKit
import ServiceLifecycle
import Testing

@testable import Undersigned

@Suite("Walks through many rows")
struct ScanConnectionTests {
    @Test("on SQLite, a walk reads through a small page cache of its own, and every reader keeps its 2 MB one")
    func ownSmallCache() async throws {
        try await TestStore.with(.sqlite) { testStore in
            let store = try #require(testStore.database as? SQLStore)
            #expect(try await store.driver.scan { try await Self.cacheSize($0) } == -SQLiteDriver.scanCacheKiB)
            // Every reader keeps SQLite's default of 2 MB, whichever the round takes.
            for _ in 0..<8 {
                #expect(try await store.driver.read { try await Self.cacheSize($0) } == -2000)
            }
        }
    }

    @Test("a walk sees what was committed a moment before", arguments: TestDatabase.all)
    func seesCommits(database: TestDatabase) async throws {
        try await TestStore.with(database) { testStore in
            let writer = testStore.writer()
            try await running(writer) { _ in
                for index in 0..<3 {
                    let job = try testStore.job(email: "walk\(index)@example.org")
                    _ = try await writer.sign(job)
                    _ = try await writer.confirm(signatureID: job.signature.id)
                    let walked = try await testStore.database.confirmedSignatures(
                        petitionID: testStore.petition.id, after: nil, limit: 10)
                    #expect(walked.count == index + 1)
                    #expect(walked.contains { $0.id == job.signature.id })
                }
            }
        }
    }

    @Test(
        "the outbox's figures, which read its whole index at every scrape, go through the walks' connection",
        arguments: TestDatabase.all)
    func outboxFiguresWalk(database: TestDatabase) async throws {
        try await TestStore.with(database) { testStore in
            let store = try #require(testStore.database as? SQLStore)
            let emails = try (0..<3).map { try testStore.queuedEmail(to: "figures\($0)@example.org") }
            try await store.write { transaction in try await transaction.enqueue(emails) }
            let counted = CountingDriver(store.driver)
            let watched = SQLStore(driver: counted)
            #expect(try await watched.outboxStatus().queued == 3)
            #expect(try await watched.pendingEmailCount() == 3)
            #expect(counted.calls.value == ["scan", "scan"])
        }
    }

    /// Tells which of its connections a store asked for.
    final class CountingDriver: SQLDriver, Sendable {
        let driver: any SQLDriver
        let calls = Locked<[String]>([])

        init(_ driver: any SQLDriver) { self.driver = driver }

        var flavor: SQLFlavor { driver.flavor }
        var services: [any Service] { [] }
        func servicesStarted() async {}
        func close() async {}

        func read<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
            calls.withLock { $0.append("read") }
            return try await driver.read(body)
        }

        func scan<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
            calls.withLock { $0.append("scan") }
            return try await driver.scan(body)
        }

        func transaction<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
            -> Result
        {
            calls.withLock { $0.append("transaction") }
            return try await driver.transaction(body)
        }

        func statement<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
            -> Result
        {
            calls.withLock { $0.append("statement") }
            return try await driver.statement(body)
        }
    }

    @Sendable static func cacheSize(_ db: any SQLDatabase) async throws -> Int {
        let row = try #require(try await db.raw("PRAGMA cache_size").first())
        return try row.decode(column: "cache_size", as: Int.self)
    }
}
