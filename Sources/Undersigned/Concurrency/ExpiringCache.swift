import Synchronization

/// Values kept for a short while, so that a burst of identical reads costs one query. Once a
/// value is older than its lifetime, the first caller reads it again while the others are
/// given the value kept until then: a busy page never waits, all at once, on the same read.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var storedAt: ContinuousClock.Instant
        var refreshing = false
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let lifetime: Duration

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func value(for key: Key, orLoad load: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let kept = keptOrClaimed(key, at: now) { return kept }
        let value = try await loading(key, load)
        entries.withLock { $0[key] = Entry(value: value, storedAt: now) }
        return value
    }

    /// As `value(for:orLoad:)`, for a loader that may find nothing: nothing is then kept, and
    /// the next caller asks again.
    func valueIfAny(for key: Key, orLoad load: () async throws -> Value?) async throws -> Value? {
        let now = ContinuousClock.now
        if let kept = keptOrClaimed(key, at: now) { return kept }
        let value = try await loading(key, load)
        entries.withLock { $0[key] = value.map { Entry(value: $0, storedAt: now) } }
        return value
    }

    /// Drops what is kept for `key`: the next caller reads it again.
    func remove(_ key: Key) {
        entries.withLock { _ = $0.removeValue(forKey: key) }
    }

    /// The value kept for `key` if it is fresh, or being read again by another caller;
    /// otherwise `nil`, and this caller is the one to read it.
    private func keptOrClaimed(_ key: Key, at now: ContinuousClock.Instant) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if now - entry.storedAt < lifetime || entry.refreshing { return entry.value }
            entries[key]?.refreshing = true
            return nil
        }
    }

    /// Runs the claiming caller's load; if it fails, the next caller tries again.
    private func loading<Loaded>(_ key: Key, _ load: () async throws -> Loaded) async throws -> Loaded {
        do {
            return try await load()
        } catch {
            entries.withLock { $0[key]?.refreshing = false }
            throw error
        }
    }
}
