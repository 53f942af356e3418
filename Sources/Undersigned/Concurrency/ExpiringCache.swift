import Synchronization

/// Values kept for a short while, so that a burst of identical reads costs one query. Once a
/// value is older than its lifetime, the first caller reads it again while the others are
/// given the value kept until then: a busy page never waits, all at once, on the same read.
/// With nothing kept yet (after a start, or a value that was removed), the callers that come
/// while the first read is under way wait for that read instead of each making its own.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Kept {
        var value: Value
        var storedAt: ContinuousClock.Instant
        var refreshing = false
    }

    private enum Slot {
        case kept(Kept)
        case firstRead(Task<Value?, any Error>)
    }

    /// What a caller does, decided under the lock.
    private enum Step {
        case use(Value)
        case wait(Task<Value?, any Error>)
        case refresh
    }

    private let slots = Mutex<[Key: Slot]>([:])
    private let lifetime: Duration

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func value(for key: Key, orLoad load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let value = try await valueIfAny(for: key, orLoad: load) { return value }
        // Only a caller that waited on a first read made through `valueIfAny`, which found nothing.
        return try await load()
    }

    /// As `value(for:orLoad:)`, for a loader that may find nothing: nothing is then kept, and
    /// the next caller asks again.
    func valueIfAny(for key: Key, orLoad load: @escaping @Sendable () async throws -> Value?) async throws -> Value? {
        let now = ContinuousClock.now
        switch step(for: key, at: now, load) {
        case .use(let value):
            return value
        case .wait(let firstRead):
            return try await firstRead.value
        case .refresh:
            do {
                let value = try await load()
                keep(value, for: key, at: now)
                return value
            } catch {
                // The next caller tries again.
                slots.withLock { slots in
                    if case .kept(var kept)? = slots[key] {
                        kept.refreshing = false
                        slots[key] = .kept(kept)
                    }
                }
                throw error
            }
        }
    }

    /// The value kept for `key` while it is within its lifetime, without reading anything.
    func freshValue(for key: Key) -> Value? {
        let now = ContinuousClock.now
        return slots.withLock { slots in
            guard case .kept(let kept)? = slots[key], now - kept.storedAt < lifetime else { return nil }
            return kept.value
        }
    }

    /// Drops what is kept for `key`: the next caller reads it again.
    func remove(_ key: Key) {
        slots.withLock { _ = $0.removeValue(forKey: key) }
    }

    private func step(
        for key: Key, at now: ContinuousClock.Instant, _ load: @escaping @Sendable () async throws -> Value?
    ) -> Step {
        slots.withLock { slots in
            switch slots[key] {
            case .kept(let kept):
                if now - kept.storedAt < lifetime || kept.refreshing { return .use(kept.value) }
                slots[key] = .kept(Kept(value: kept.value, storedAt: kept.storedAt, refreshing: true))
                return .refresh
            case .firstRead(let firstRead):
                return .wait(firstRead)
            case nil:
                // Started under the lock, so the read cannot end before it is recorded.
                let firstRead = Task {
                    do {
                        let value = try await load()
                        self.keep(value, for: key, at: now)
                        return value
                    } catch {
                        self.slots.withLock { _ = $0.removeValue(forKey: key) }
                        throw error
                    }
                }
                slots[key] = .firstRead(firstRead)
                return .wait(firstRead)
            }
        }
    }

    private func keep(_ value: Value?, for key: Key, at now: ContinuousClock.Instant) {
        slots.withLock { $0[key] = value.map { .kept(Kept(value: $0, storedAt: now)) } }
    }
}
