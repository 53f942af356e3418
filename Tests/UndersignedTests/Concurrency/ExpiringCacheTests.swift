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
