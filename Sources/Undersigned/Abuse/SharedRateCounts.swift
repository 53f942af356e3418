import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Rate limits across instances that share a database, without an address or its hash
/// ever reaching it: each instance counts hits per coarse bucket (see ``SharedBuckets``)
/// and fixed window, adds them to the database's totals about once a second, and refuses
/// a request when its bucket's total is over the limit. A bucket is shared by other
/// addresses too, so its limit is ``allowanceFactor`` times the per-address one. The
/// totals lag by up to one sync, which the per-address limiter in memory does not.
final class SharedRateCounts: Service, Sendable {
    static let allowanceFactor = 2

    private struct WindowKey: Hashable {
        var bucket: Int
        var windowSeconds: Int
        var windowStart: Int64
    }

    private struct State {
        var pending: [WindowKey: Int] = [:]
        var totals: [WindowKey: Int] = [:]
    }

    private let store: any AbuseStore
    private let buckets: SharedBuckets
    private let windows: [RateLimiter.Window]
    private let clock: WallClock
    private let interval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(
        store: any AbuseStore, buckets: SharedBuckets, windows: [RateLimiter.Window], clock: WallClock,
        interval: Duration = .seconds(1), logger: Logger
    ) {
        self.store = store
        self.buckets = buckets
        self.windows = windows
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// Counts one attempt from `address`, or tells how long until its bucket's window ends.
    func take(_ address: ClientAddress, at date: Date) -> RateLimiter.Decision {
        let bucket = buckets.bucket(for: address, at: date)
        let now = Int64(date.timeIntervalSince1970.rounded(.down))
        let keys = windows.map { window in
            let seconds = Int(window.period)
            let key = WindowKey(bucket: bucket, windowSeconds: seconds, windowStart: now - now % Int64(seconds))
            return (key: key, limit: window.limit * Self.allowanceFactor)
        }
        return state.withLock { state in
            for (key, limit) in keys where state.totals[key, default: 0] + state.pending[key, default: 0] >= limit {
                return .refused(retryAfterSeconds: Int(max(1, key.windowStart + Int64(key.windowSeconds) - now)))
            }
            for (key, _) in keys { state.pending[key, default: 0] += 1 }
            return .allowed
        }
    }

    /// Adds what was counted here since the last sync to the shared totals, learns the
    /// totals, and forgets windows that have ended.
    func sync() async {
        let now = Int64(clock.now.timeIntervalSince1970.rounded(.down))
        let pending = state.withLock { state in
            state.totals = state.totals.filter { $0.key.windowStart + Int64($0.key.windowSeconds) > now }
            defer { state.pending.removeAll() }
            return state.pending
        }
        guard !pending.isEmpty else { return }
        let hits = pending.map {
            RateBucketCount(
                bucket: $0.key.bucket, windowSeconds: $0.key.windowSeconds, windowStart: $0.key.windowStart,
                hits: $0.value)
        }
        do {
            let totals = try await store.addHits(hits)
            state.withLock { state in
                for total in totals {
                    state.totals[
                        WindowKey(
                            bucket: total.bucket, windowSeconds: total.windowSeconds, windowStart: total.windowStart)] =
                        total.hits
                }
            }
        } catch {
            // The limits in memory still hold meanwhile.
            logger.warning("sharing rate counts failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Syncs about once a second, and about once a minute purges the shared state that has
    /// expired: rate buckets, and redeemed challenges too.
    func run() async throws {
        var ticks = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            await sync()
            ticks += 1
            if ticks % 60 == 0 {
                do {
                    try await store.purgeExpiredAbuseState(now: clock.now)
                } catch {
                    logger.warning(
                        "purging expired rate counts failed", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
        }
    }
}
