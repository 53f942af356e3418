import Foundation

/// What abuse defences share through the database when several instances use one
/// (PostgreSQL). Nothing here can name a person: challenge nonces are random, and a rate
/// bucket is a 20-bit number shared by thousands of possible addresses.
public protocol AbuseStore: Sendable {
    /// Whether other instances may be using the same database, so that what one instance
    /// has seen must be shared. False for SQLite, which one instance owns.
    var isShared: Bool { get }
    /// Records challenges as redeemed; returns the nonces of those not redeemed before.
    func redeem(_ challenges: [RedeemedChallenge]) async throws -> Set<[UInt8]>
    /// Adds hits to shared rate buckets; returns each bucket's total after adding.
    func addHits(_ hits: [RateBucketCount]) async throws -> [RateBucketCount]
    /// Forgets redeemed challenges and rate buckets that have expired by `now`.
    func purgeExpiredAbuseState(now: Date) async throws
}

public struct RedeemedChallenge: Sendable, Hashable {
    public var nonce: [UInt8]
    public var expiresAt: Date
}

/// Hits in one bucket during one fixed window.
public struct RateBucketCount: Sendable, Hashable {
    public var bucket: Int
    public var windowSeconds: Int
    /// Unix seconds.
    public var windowStart: Int64
    public var hits: Int
}
