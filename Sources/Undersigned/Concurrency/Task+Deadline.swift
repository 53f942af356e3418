import Synchronization

extension Task where Success == Void, Failure == Never {
    /// Whether the task finishes within `timeout`; waits no longer than that either way.
    func finishes(within timeout: Duration) async -> Bool {
        let answer = FirstAnswer()
        return await withCheckedContinuation { continuation in
            answer.waiting(continuation)
            Task<Void, Never> {
                await self.value
                answer.give(true)
            }
            Task<Void, Never> {
                try? await Task<Never, Never>.sleep(for: timeout)
                answer.give(false)
            }
        }
    }
}

/// A continuation resumed by the first answer given; later ones are dropped.
private final class FirstAnswer: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func waiting(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func give(_ answer: Bool) {
        continuation.withLock { $0.take() }?.resume(returning: answer)
    }
}
