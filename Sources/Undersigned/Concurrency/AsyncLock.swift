import Synchronization

/// A lock that waits without blocking a thread, held across suspension points: by one holder
/// alone (``withLock(_:)``), or by any number at once (``withSharedLock(_:)``) while no one
/// holds it alone. Waiters are served in order, so a waiter for the lock alone is not starved
/// by a stream of shared holders: those that come after it wait for it.
final class AsyncLock: Sendable {
    private enum Mode {
        case exclusive
        case shared
    }

    private struct State {
        var exclusive = false
        var shared = 0
        var waiters: [(mode: Mode, continuation: CheckedContinuation<Void, Never>)] = []

        func admits(_ mode: Mode) -> Bool {
            switch mode {
            case .exclusive: !exclusive && shared == 0
            case .shared: !exclusive
            }
        }

        mutating func take(_ mode: Mode) {
            switch mode {
            case .exclusive: exclusive = true
            case .shared: shared += 1
            }
        }
    }

    private let state = Mutex(State())

    func withLock<Result: Sendable>(_ body: () async throws -> Result) async rethrows -> Result {
        await lock()
        defer { unlock() }
        return try await body()
    }

    func withSharedLock<Result: Sendable>(_ body: () async throws -> Result) async rethrows -> Result {
        await acquire(.shared)
        defer { release(.shared) }
        return try await body()
    }

    func lock() async {
        await acquire(.exclusive)
    }

    func unlock() {
        release(.exclusive)
    }

    private func acquire(_ mode: Mode) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                guard state.waiters.isEmpty, state.admits(mode) else {
                    state.waiters.append((mode, continuation))
                    return false
                }
                state.take(mode)
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release(_ mode: Mode) {
        let admitted = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            switch mode {
            case .exclusive: state.exclusive = false
            case .shared: state.shared -= 1
            }
            var admitted: [CheckedContinuation<Void, Never>] = []
            while let next = state.waiters.first, state.admits(next.mode) {
                state.take(next.mode)
                admitted.append(state.waiters.removeFirst().continuation)
            }
            return admitted
        }
        for continuation in admitted { continuation.resume() }
    }
}
