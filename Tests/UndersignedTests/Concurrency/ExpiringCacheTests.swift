import Testing

@testable import Undersigned

@Suite("Values kept for a while")
struct ExpiringCacheTests {
    private struct Unreachable: Error {}

    @Test("while one caller reads an expired value again, the others get the value kept, without reading")
    func oneRefresh() async throws {
        // Expired as soon as kept: every call past the first finds its value stale.
        let cache = ExpiringCache<String, Int>(lifetime: .zero)
        #expect(try await cache.value(for: "count") { 1 } == 1)

        let (started, startedNow) = AsyncStream.makeStream(of: Void.self)
        let release = AsyncLock()
        await release.lock()
        let refresher = Task {
            try await cache.value(for: "count") {
                startedNow.yield()
                await release.lock()
                return 2
            }
        }
        for await _ in started { break }

        let others = try await cache.value(for: "count") {
            Issue.record("a second caller read the value while the first was reading it")
            return 3
        }
        #expect(others == 1)
        release.unlock()
        #expect(try await refresher.value == 2)
        // The refresh is over: the next caller past the lifetime reads again.
        #expect(try await cache.value(for: "count") { 4 } == 4)
    }

    @Test("a read that fails leaves the next caller to read again")
    func failedRefresh() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: .zero)
        #expect(try await cache.value(for: "count") { 1 } == 1)
        await #expect(throws: Unreachable.self) {
            try await cache.value(for: "count") { throw Unreachable() }
        }
        #expect(try await cache.value(for: "count") { 2 } == 2)
    }

    /// Starts a caller whose read waits for `release`, and returns once that read has begun.
    private func firstRead(
        of cache: ExpiringCache<String, Int>, release: AsyncLock, outcome: @escaping @Sendable () throws -> Int
    ) async -> Task<Int, any Error> {
        let (started, startedNow) = AsyncStream.makeStream(of: Void.self)
        let caller = Task {
            try await cache.value(for: "count") {
                startedNow.yield()
                await release.lock()
                return try outcome()
            }
        }
        for await _ in started { break }
        return caller
    }

    /// Starts a caller that must not read, and gives it a moment to reach the cache.
    private func waitingCaller(of cache: ExpiringCache<String, Int>) async throws -> Task<Int, any Error> {
        let caller = Task {
            try await cache.value(for: "count") {
                Issue.record("a caller read the value while the first read of it was under way")
                return 3
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        return caller
    }

    @Test("callers that come during the first read wait for it instead of reading")
    func sharedFirstRead() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(60))
        let release = AsyncLock()
        await release.lock()
        let first = await firstRead(of: cache, release: release) { 1 }
        let others = [try await waitingCaller(of: cache), try await waitingCaller(of: cache)]
        release.unlock()
        #expect(try await first.value == 1)
        for other in others { #expect(try await other.value == 1) }
    }

    @Test("a first read that fails fails the callers waiting for it, and the next caller reads again")
    func failedFirstRead() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(60))
        let release = AsyncLock()
        await release.lock()
        let first = await firstRead(of: cache, release: release) { throw Unreachable() }
        let other = try await waitingCaller(of: cache)
        release.unlock()
        await #expect(throws: Unreachable.self) { try await first.value }
        await #expect(throws: Unreachable.self) { try await other.value }
        #expect(try await cache.value(for: "count") { 4 } == 4)
    }

    @Test("nothing found is not kept, and a removed value is read again")
    func nothingAndRemoved() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: .seconds(60))
        #expect(try await cache.valueIfAny(for: "petition") { nil } == nil)
        #expect(try await cache.valueIfAny(for: "petition") { 5 } == 5)
        #expect(try await cache.valueIfAny(for: "petition") { 6 } == 5)
        cache.remove("petition")
        #expect(try await cache.valueIfAny(for: "petition") { 7 } == 7)
    }
}
