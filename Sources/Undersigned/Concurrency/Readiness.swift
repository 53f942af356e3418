import ServiceLifecycle
import Synchronization

/// Something made ready once, such as the database's schema, and the tasks that wait for it.
final class Readiness: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Bool, Never>], next: Int)
        case ready
    }

    private let state = Mutex(State.waiting([:], next: 0))

    func markReady() {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard case .waiting(let waiters, _) = state else { return [] }
            state = .ready
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Whether it became ready: `false` when the task was cancelled first.
    func wait() async -> Bool {
        let key = Mutex<Int?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let ready = state.withLock { state -> Bool? in
                    guard case .waiting(var waiters, let next) = state else { return true }
                    if Task.isCancelled { return false }
                    waiters[next] = continuation
                    state = .waiting(waiters, next: next + 1)
                    key.withLock { $0 = next }
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard case .waiting(var waiters, let next) = state, let waiting = key.withLock({ $0 }),
                    let continuation = waiters.removeValue(forKey: waiting)
                else { return nil }
                state = .waiting(waiters, next: next)
                return continuation
            }
            cancelled?.resume(returning: false)
        }
    }
}

/// Runs a service once `readiness` is reached, and not at all when the instance stops first:
/// the services that read and write the database start once its schema exists.
struct StartedWhenReady: Service {
    let service: any Service
    let readiness: Readiness

    func run() async throws {
        guard await cancelWhenGracefulShutdown({ await readiness.wait() }) else { return }
        try await service.run()
    }
}
