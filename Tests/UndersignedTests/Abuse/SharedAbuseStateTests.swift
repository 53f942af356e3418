import Foundation
import Testing

@testable import Undersigned

/// What instances sharing a database tell each other: redeemed challenges and rate buckets.
@Suite("Abuse state shared through the database")
struct SharedAbuseStateTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a challenge redeemed by one instance is refused by another, until it expires", arguments: TestDatabase.all)
    func redeemedChallenges(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let one = RedeemedChallenges(store: store.database, logger: TestDatabase.logger)
            let two = RedeemedChallenges(store: store.database, logger: TestDatabase.logger)
            try await running(one) { _ in
                try await running(two) { _ in
                    let challenge = ProofOfWork.Challenge(
                        petitionID: store.petition.id, difficulty: 8, expiresAt: now.addingTimeInterval(600),
                        nonce: (0..<16).map { _ in UInt8.random(in: 0...255) })
                    #expect(try await one.redeem(challenge, now: now))
                    #expect(try await one.redeem(challenge, now: now) == false)
                    #expect(try await two.redeem(challenge, now: now) == false)
                    // Many at once, as a busy instance sends them: each goes through once.
                    let batch = (0..<200).map { _ in
                        ProofOfWork.Challenge(
                            petitionID: store.petition.id, difficulty: 8, expiresAt: now.addingTimeInterval(600),
                            nonce: (0..<16).map { _ in UInt8.random(in: 0...255) })
                    }
                    let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                        for challenge in batch {
                            group.addTask { try await one.redeem(challenge, now: now) }
                            group.addTask { try await two.redeem(challenge, now: now) }
                        }
                        return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                    }
                    #expect(accepted == batch.count)
                }
            }
            try await store.database.purgeExpiredAbuseState(now: now.addingTimeInterval(601))
            // Purged once expired: a fresh ledger no longer knows it (nor could it be used: expired).
            let fresh = try await store.database.redeem([RedeemedChallenge(nonce: [1, 2, 3], expiresAt: now)])
            #expect(fresh == [[1, 2, 3]])
        }
    }

    @Test("rate counts add up across instances in coarse buckets, and expire", arguments: TestDatabase.all)
    func rateBuckets(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let clock = WallClock { now }
            let buckets = SharedBuckets(rootKey: .init(size: .bits256))
            let windows = [RateLimiter.Window(limit: 5, period: 60)]
            let one = SharedRateCounts(
                store: store.database, buckets: buckets, windows: windows, clock: clock, logger: TestDatabase.logger)
            let two = SharedRateCounts(
                store: store.database, buckets: buckets, windows: windows, clock: clock, logger: TestDatabase.logger)
            let address = try #require(ClientAddress(text: "192.0.2.44"))
            // A bucket may hold other addresses too: it is allowed twice the per-address limit.
            for _ in 0..<6 { #expect(one.take(address, at: now) == .allowed) }
            await one.sync()
            #expect(two.take(address, at: now) == .allowed)
            await two.sync()
            // The second instance now knows of the first one's six.
            for _ in 0..<3 { #expect(two.take(address, at: now) == .allowed) }
            #expect(two.take(address, at: now) == .refused(retryAfterSeconds: 60 - Int(now.timeIntervalSince1970) % 60))
            let sql = try #require(store.database as? SQLStore)
            let stored = try await sql.driver.read { db in
                try await db.raw("SELECT bucket, hits FROM rate_buckets").all().map {
                    (try $0.decode(column: "bucket", as: Int.self), try $0.decode(column: "hits", as: Int.self))
                }
            }
            #expect(stored.count == 1)
            #expect(stored.first?.0 == buckets.bucket(for: address, at: now))
            #expect(stored.first?.1 == 7)
            try await store.database.purgeExpiredAbuseState(now: now.addingTimeInterval(61))
            let left = try await sql.driver.read { db in try await db.raw("SELECT bucket FROM rate_buckets").all().count
            }
            #expect(left == 0)
        }
    }
}
