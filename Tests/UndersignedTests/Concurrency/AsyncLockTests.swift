import Testing

@testable import Undersigned

@Suite("A lock held across suspension points, alone or shared", .timeLimit(.minutes(1)))
struct AsyncLockTests {
    @Test("shared holders hold it together; one alone waits for them, and shared holders after it wait for it")
    func sharedAndAlone() async throws {
        let lock = AsyncLock()
        let events = Locked<[String]>([])
        let (first, releasing) = try await holding(lock, shared: true, as: "first shared", noting: events)
        // Would wait forever if shared holders excluded each other.
        await lock.withSharedLock { events.withLock { $0.append("second shared") } }

        let alone = Task { await lock.withLock { events.withLock { $0.append("alone") } } }
        try await Task.sleep(for: .milliseconds(50))
        let later = Task { await lock.withSharedLock { events.withLock { $0.append("later shared") } } }
        try await Task.sleep(for: .milliseconds(50))
        #expect(events.value == ["first shared", "second shared"])

        releasing.yield()
        await first.value
        await alone.value
        await later.value
        #expect(events.value == ["first shared", "second shared", "first shared done", "alone", "later shared"])
    }

    @Test("held alone, it admits no one else until released")
    func alone() async throws {
        let lock = AsyncLock()
        let events = Locked<[String]>([])
        let (holder, releasing) = try await holding(lock, shared: false, as: "holder", noting: events)
        let shared = Task { await lock.withSharedLock { events.withLock { $0.append("shared") } } }
        let other = Task { await lock.withLock { events.withLock { $0.append("other") } } }
        try await Task.sleep(for: .milliseconds(50))
        #expect(events.value == ["holder"])
        releasing.yield()
        await holder.value
        await shared.value
        await other.value
        #expect(events.value.prefix(2) == ["holder", "holder done"])
        #expect(Set(events.value.dropFirst(2)) == ["shared", "other"])
    }

    /// A task that takes the lock, notes `name`, and holds it until the returned continuation
    /// yields, then notes "`name` done"; returned once it holds the lock.
    private func holding(_ lock: AsyncLock, shared: Bool, as name: String, noting events: Locked<[String]>)
        async throws -> (Task<Void, Never>, AsyncStream<Void>.Continuation)
    {
        let (release, releasing) = AsyncStream.makeStream(of: Void.self)
        let hold = {
            events.withLock { $0.append(name) }
            for await _ in release { break }
            events.withLock { $0.append("\(name) done") }
        }
        let task = Task { shared ? await lock.withSharedLock(hold) : await lock.withLock(hold) }
        while !events.value.contains(name) { try await Task.sleep(for: .milliseconds(1)) }
        return (task, releasing)
    }
}
