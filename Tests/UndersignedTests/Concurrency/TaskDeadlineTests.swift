import Testing

@testable import Undersigned

@Suite("Waiting for a task, within a time")
struct TaskDeadlineTests {
    @Test("a task that finishes in time is reported finished")
    func finished() async {
        let task = Task<Void, Never> { try? await Task.sleep(for: .milliseconds(10)) }
        #expect(await task.finishes(within: .seconds(60)))
    }

    @Test("a task that does not finish is given up on once the time is over, cancelled or not")
    func stuck() async {
        // A wait that cancelling does not end, as in a stuck connection pool.
        let lock = AsyncLock()
        await lock.lock()
        let stuck = Task<Void, Never> { await lock.lock() }
        stuck.cancel()
        #expect(await !stuck.finishes(within: .milliseconds(200)))
        lock.unlock()
        await stuck.value
    }
}
