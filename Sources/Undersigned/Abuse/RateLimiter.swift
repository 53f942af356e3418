import Foundation
import Synchronization

/// Limits such as "5 a minute and 30 an hour" per key, kept in memory: one token bucket per
/// window, so a burst is allowed up to the first limit and a steady stream is held to the
/// rate of the second. Refused attempts take nothing, so the wait told is exact. Memory is
/// bounded: keys whose buckets have filled up again are dropped, and past `maximumKeys` the
/// least recently seen are forgotten (they start again with a full allowance).
final class RateLimiter: Sendable {
    struct Window: Sendable, Equatable {
        var limit: Int
        var period: TimeInterval
    }

    enum Decision: Sendable, Equatable {
        case allowed
        case refused(retryAfterSeconds: Int)
    }

    private struct Entry {
        var updatedAt: TimeInterval
        var tokens: SIMD2<Double>
    }

    private static let whole = 1 - 1e-9
    private let capacity: SIMD2<Double>
    private let refillPerSecond: SIMD2<Double>
    private let maximumKeysPerShard: Int
    /// Keys are spread over a few locks so that concurrent requests rarely wait for each other.
    private let shards: [LockedShard]

    private final class LockedShard: Sendable {
        let state = Mutex(Shard())
    }

    private struct Shard {
        var entries: [Key128: Entry] = [:]
        /// Full buckets are dropped once the shard grows past this, so memory follows the
        /// number of recently active clients.
        var sweepAt = 64
    }

    /// - Parameters:
    ///   - windows: one or two windows, each with a positive limit and period (settings are
    ///     checked for that; a window beyond the second is not used).
    ///   - maximumKeys: how many keys to remember at most.
    init(windows: [Window], maximumKeys: Int = 400_000) {
        let first = windows.first ?? Window(limit: 1, period: 1)
        let second = windows.dropFirst().first ?? first
        capacity = SIMD2(Double(max(1, first.limit)), Double(max(1, second.limit)))
        refillPerSecond = capacity / SIMD2(max(first.period, 1e-3), max(second.period, 1e-3))
        shards = (0..<16).map { _ in LockedShard() }
        maximumKeysPerShard = max(64, maximumKeys / 16)
    }

    /// Takes one attempt for `key`, or tells how long until one is allowed.
    func take(_ key: Key128, at date: Date) -> Decision {
        let now = date.timeIntervalSince1970
        return shards[Int(key.low & 15)].state.withLock { shard in
            var entry = shard.entries[key] ?? Entry(updatedAt: now, tokens: capacity)
            entry.tokens = refilled(entry, now: now)
            entry.updatedAt = max(entry.updatedAt, now)
            // Within a hair of a whole token counts as whole: refills are not exact in binary.
            guard all(entry.tokens .>= Self.whole) else {
                let missing = (SIMD2(repeating: 1) - entry.tokens).replacing(
                    with: 0, where: entry.tokens .>= Self.whole)
                let wait = (missing / refillPerSecond).max()
                shard.entries[key] = entry
                return .refused(retryAfterSeconds: max(1, Int((wait - 1e-6).rounded(.up))))
            }
            entry.tokens -= 1
            shard.entries[key] = entry
            if shard.entries.count >= shard.sweepAt { sweep(&shard, now: now) }
            return .allowed
        }
    }

    /// How many keys are remembered now.
    var keyCount: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.entries.count } }
    }

    private func refilled(_ entry: Entry, now: TimeInterval) -> SIMD2<Double> {
        let elapsed = max(0, now - entry.updatedAt)
        return pointwiseMin(entry.tokens + refillPerSecond * elapsed, capacity)
    }

    /// Drops the keys whose buckets have filled up again, as good as new; if too many are
    /// left, forgets the least recently seen.
    private func sweep(_ shard: inout Shard, now: TimeInterval) {
        shard.entries = shard.entries.filter { any(refilled($0.value, now: now) .< capacity) }
        if shard.entries.count > maximumKeysPerShard * 3 / 4 {
            let kept = shard.entries.sorted { $0.value.updatedAt > $1.value.updatedAt }.prefix(maximumKeysPerShard / 2)
            shard.entries = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
        shard.sweepAt = min(maximumKeysPerShard, max(64, shard.entries.count * 2))
    }
}
