import Synchronization

/// Values kept for a short while, so that a burst of identical reads costs one query.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (value: Value, storedAt: ContinuousClock.Instant)]>([:])
    private let lifetime: Duration

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func value(for key: Key, orLoad load: () async throws -> Value) async rethrows -> Value {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), now - entry.storedAt < lifetime {
            return entry.value
        }
        let value = try await load()
        entries.withLock { $0[key] = (value, now) }
        return value
    }
}
