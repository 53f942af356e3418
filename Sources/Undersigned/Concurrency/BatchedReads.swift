import Synchronization

/// Reads asked for at the same moment, made in one query: while a read is in flight, the
/// keys asked for meanwhile wait, and go together in the next. Under a burst that turns a
/// query per request into one per round trip; a request alone waits for nobody.
final class BatchedReads<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private typealias Waiter = CheckedContinuation<Value?, any Error>

    private struct State {
        var waiting: [(key: Key, waiter: Waiter)] = []
        var reading = false
    }

    private let state = Mutex(State())
    private let maximumBatch: Int
    private let read: @Sendable ([Key]) async throws -> [Key: Value]

    /// - Parameter read: the values found among the keys given; a key it leaves out has none.
    init(maximumBatch: Int = 256, read: @escaping @Sendable ([Key]) async throws -> [Key: Value]) {
        self.maximumBatch = maximumBatch
        self.read = read
    }

    /// How many requests wait for the next read.
    var waiting: Int { state.withLock { $0.waiting.count } }

    func value(for key: Key) async throws -> Value? {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let startsReading = state.withLock { state in
                state.waiting.append((key, waiter))
                guard !state.reading else { return false }
                state.reading = true
                return true
            }
            // Awaited by every waiter through its continuation, so it never outlives them.
            if startsReading { Task { await self.readWhileWaiting() } }
        }
    }

    private func readWhileWaiting() async {
        while true {
            let batch = state.withLock { state in
                let batch = Array(state.waiting.prefix(maximumBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.reading = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let found = try await read(Array(Set(batch.map(\.key))))
                for (key, waiter) in batch { waiter.resume(returning: found[key]) }
            } catch {
                for (_, waiter) in batch { waiter.resume(throwing: error) }
            }
        }
    }
}
