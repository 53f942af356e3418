import Foundation
import SQLKit

/// Redeemed challenges and shared rate buckets. Both tables are ephemeral (unlogged in
/// PostgreSQL) and purged as their rows expire.
extension SQLStore {
    var isShared: Bool { driver.flavor.isShared }

    func redeem(_ challenges: [RedeemedChallenge]) async throws -> Set<[UInt8]> {
        guard !challenges.isEmpty else { return [] }
        return try await driver.transaction { db in
            var fresh = Set<[UInt8]>()
            for chunk in challenges.chunks(of: 500) {
                let rows = chunk.map { "(\(bind: Data($0.nonce)), \(bind: $0.expiresAt.millis))" as SQLQueryString }
                let query: SQLQueryString = """
                    INSERT INTO redeemed_challenges (nonce, expires_at) VALUES \(SQLList(rows, separator: SQLRaw(", ")))
                    ON CONFLICT (nonce) DO NOTHING RETURNING nonce
                    """
                for row in try await db.raw(query).all() {
                    fresh.insert(Array(try row.decode(column: "nonce", as: Data.self)))
                }
            }
            return fresh
        }
    }

    func addHits(_ hits: [RateBucketCount]) async throws -> [RateBucketCount] {
        guard !hits.isEmpty else { return [] }
        // A fixed order, so that instances adding to the same buckets cannot deadlock.
        let sorted = hits.sorted {
            ($0.bucket, $0.windowSeconds, $0.windowStart) < ($1.bucket, $1.windowSeconds, $1.windowStart)
        }
        return try await driver.transaction { db in
            var totals: [RateBucketCount] = []
            for chunk in sorted.chunks(of: 500) {
                let rows = chunk.map {
                    "(\(bind: $0.bucket), \(bind: $0.windowSeconds), \(bind: $0.windowStart), \(bind: $0.hits))"
                        as SQLQueryString
                }
                let query: SQLQueryString = """
                    INSERT INTO rate_buckets (bucket, window_seconds, window_start, hits) VALUES \(SQLList(rows, separator: SQLRaw(", ")))
                    ON CONFLICT (bucket, window_seconds, window_start) DO UPDATE SET hits = rate_buckets.hits + excluded.hits
                    RETURNING bucket, window_seconds, window_start, hits
                    """
                for row in try await db.raw(query).all() {
                    totals.append(
                        RateBucketCount(
                            bucket: try row.decode(column: "bucket", as: Int.self),
                            windowSeconds: try row.decode(column: "window_seconds", as: Int.self),
                            windowStart: try row.decode(column: "window_start", as: Int64.self),
                            hits: try row.decode(column: "hits", as: Int.self)))
                }
            }
            return totals
        }
    }

    func purgeExpiredAbuseState(now: Date) async throws {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        try await driver.transaction { db in
            try await db.raw("DELETE FROM redeemed_challenges WHERE expires_at < \(bind: now.millis)").run()
            try await db.raw("DELETE FROM rate_buckets WHERE window_start + window_seconds < \(bind: seconds)").run()
        }
    }
}
