import ServiceLifecycle
import Synchronization
import Testing

@testable import Undersigned

@Suite("Services started once the database is prepared")
struct ReadinessTests {
    /// A service that says when it starts, and runs until the instance stops.
    private final class Recorder: Service, Sendable {
        let started = Mutex(false)
        let (starts, startNow) = AsyncStream.makeStream(of: Void.self)

        func run() async throws {
            started.withLock { $0 = true }
            startNow.yield()
            try? await gracefulShutdown()
        }
    }

    @Test("a service waits for readiness, and starts once it is reached")
    func startsWhenReady() async throws {
        let readiness = Readiness()
        let recorder = Recorder()
        try await running(StartedWhenReady(service: recorder, readiness: readiness)) { _ in
            // Long enough for a service that did not wait to have started.
            try await Task.sleep(for: .milliseconds(200))
            #expect(recorder.started.withLock { $0 } == false)
            readiness.markReady()
            for await _ in recorder.starts { break }
            #expect(recorder.started.withLock { $0 })
        }
    }

    @Test("an instance stopped before readiness never starts the service, and stops")
    func stoppedFirst() async throws {
        let recorder = Recorder()
        try await running(StartedWhenReady(service: recorder, readiness: Readiness())) { _ in }
        #expect(recorder.started.withLock { $0 } == false)
    }

    @Test("once ready, every waiter goes on, those that come later too; a cancelled one gives up")
    func waiters() async {
        let readiness = Readiness()
        let cancelled = Task { await readiness.wait() }
        cancelled.cancel()
        #expect(await cancelled.value == false)
        async let first = readiness.wait()
        async let second = readiness.wait()
        readiness.markReady()
        #expect(await [first, second] == [true, true])
        #expect(await readiness.wait())
    }
}
