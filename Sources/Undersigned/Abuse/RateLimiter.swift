import Foundation
import Synchronization

/// Limits such as "5 a minute and 30 an hour" per key, kept in memory: one token bucket per
/// window, so a burst is allowed up to the first limit and a steady stream is held to the
/// rate of the second. Refused attempts take nothing, so the wait told is exact.
///
/// Each bucket is kept as the moment it will be full again (the generic cell rate algorithm),
/// one number per window and no clock reading beside it, under 64 bits of its key: 24 bytes a
/// key where a token count, its time and the whole key took 48. The mailbox limit keeps a
/// key for every signer of the last hour up to its maximum, and a spike reaches that maximum.
/// Memory is bounded: keys whose buckets are full again are dropped, and past `maximumKeys`
/// those nearest to full are forgotten (they start again with a full allowance).
final class RateLimiter: Sendable {
    struct Window: Sendable, Equatable {
        var limit: Int
        var period: TimeInterval
    }

    enum Decision: Sendable, Equatable {
        case allowed
        case refused(retryAfterSeconds: Int)
    }

    /// For each window, the time between two attempts at the sustained rate, and how far ahead
    /// of now a bucket's full-again moment may be with one attempt still left: the burst.
    private let interval: SIMD2<Double>
    private let burst: SIMD2<Double>
    /// Refills are not exact in binary: within a hair of an attempt counts as one.
    private let slack: SIMD2<Double>
    private let maximumKeysPerShard: Int
    /// Keys are spread over a few locks so that concurrent requests rarely wait for each other.
    private let shards: [LockedShard]

    private final class LockedShard: Sendable {
        let state = Mutex(Shard())
    }

    private struct Shard {
        /// Each key's buckets, as the moments they will be full again, in seconds from
        /// `origin`. The shard is chosen by the key's low half, so its high half tells keys apart.
        var fullAgainAt: [UInt64: SIMD2<Double>] = [:]
        /// The first time the shard was asked. Seconds since 1970 are about 1.8e9, where a
        /// double's step is 2e-7 s: added up, such steps made waits a second longer than a
        /// token count's. Seconds since the first attempt keep that arithmetic as exact.
        var origin: Double?
        /// Full buckets are dropped once the shard grows past this, so memory follows the
        /// number of recently active clients.
        var sweepAt = 64
    }

    /// - Parameters:
    ///   - windows: one or two windows, each with a positive limit and period (settings are
    ///     checked for that; a window beyond the second is not used).
    ///   - maximumKeys: how many keys to remember at most, rounded down to what whole tables hold.
    init(windows: [Window], maximumKeys: Int = 400_000) {
        let first = windows.first ?? Window(limit: 1, period: 1)
        let second = windows.dropFirst().first ?? first
        let capacity = SIMD2(Double(max(1, first.limit)), Double(max(1, second.limit)))
        interval = SIMD2(max(first.period, 1e-3), max(second.period, 1e-3)) / capacity
        burst = (capacity - 1) * interval
        slack = interval * 1e-9
        shards = (0..<16).map { _ in LockedShard() }
        maximumKeysPerShard = Self.shardMaximum(for: maximumKeys)
    }

    /// The most keys a shard keeps: three quarters of a power of two, as many as a dictionary
    /// of that many slots holds, so that reaching the maximum never doubles the table.
    private static func shardMaximum(for maximumKeys: Int) -> Int {
        var slots = 64
        while slots < 1 << 40, slots * 2 * 3 / 4 <= maximumKeys / 16 { slots *= 2 }
        return slots * 3 / 4
    }

    /// Takes one attempt for `key`, or tells how long until one is allowed.
    func take(_ key: Key128, at date: Date) -> Decision {
        return shards[Int(key.low & 15)].state.withLock { shard in
            let origin = shard.origin ?? date.timeIntervalSince1970
            shard.origin = origin
            let now = SIMD2(repeating: date.timeIntervalSince1970 - origin)
            let fullAgainAt = shard.fullAgainAt[key.high] ?? now
            let early = fullAgainAt - burst - now
            guard all(early .<= slack) else {
                let wait = early.replacing(with: 0, where: early .<= slack).max()
                return .refused(retryAfterSeconds: max(1, Int((wait - 1e-6).rounded(.up))))
            }
            shard.fullAgainAt[key.high] = pointwiseMax(fullAgainAt, now) + interval
            if shard.fullAgainAt.count >= shard.sweepAt { sweep(&shard, now: now) }
            return .allowed
        }
    }

    /// How many keys are remembered now.
    var keyCount: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.fullAgainAt.count } }
    }

    /// Drops the keys whose buckets are full again, as good as new; if too many are left,
    /// forgets those that will be full soonest.
    private func sweep(_ shard: inout Shard, now: SIMD2<Double>) {
        shard.fullAgainAt = shard.fullAgainAt.filter { any($0.value .> now) }
        if shard.fullAgainAt.count > maximumKeysPerShard * 3 / 4 {
            let kept = shard.fullAgainAt.sorted { $0.value.max() > $1.value.max() }.prefix(maximumKeysPerShard / 2)
            shard.fullAgainAt = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
        shard.sweepAt = min(maximumKeysPerShard, max(64, shard.fullAgainAt.count * 2))
    }
}
