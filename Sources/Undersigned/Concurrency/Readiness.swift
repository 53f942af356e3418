import ServiceLifecycle
import Synchronization

/// Something made ready once, such as the database's schema, and the tasks that wait for it.
final class Readiness: Sendable {
    private struct State {
        var ready = false
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Mutex(State())
    private let nextWaiter = Atomic<Int>(0)

    func markReady() {
        let waiters = state.withLock { state in
            state.ready = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Whether it became ready: `false` when the task was cancelled first.
    func wait() async -> Bool {
        let id = nextWaiter.wrappingAdd(1, ordering: .relaxed).oldValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer = state.withLock { state -> Bool? in
                    if state.ready { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
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
