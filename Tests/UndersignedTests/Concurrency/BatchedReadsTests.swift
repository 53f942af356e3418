import Synchronization
import Testing

@testable import Undersigned

@Suite("Reads taken together")
struct BatchedReadsTests {
    private struct Unreachable: Error {}

    /// A read that holds its first call until released, and records the keys of every call.
    private final class HeldRead: Sendable {
        let calls = Mutex<[[Int]]>([])
        let release = AsyncLock()
        let (started, startedNow) = AsyncStream.makeStream(of: Void.self)
        let failing = Mutex(false)

        init() async { await release.lock() }

        @Sendable func read(_ keys: [Int]) async throws -> [Int: String] {
            let first = calls.withLock { calls in
                calls.append(keys.sorted())
                return calls.count == 1
            }
            if first {
                startedNow.yield()
                await release.lock()
            }
            if failing.withLock({ $0 }) { throw Unreachable() }
            // Key 7 is never found.
            return Dictionary(uniqueKeysWithValues: keys.filter { $0 != 7 }.map { ($0, "value \($0)") })
        }

        func waitUntilStarted() async {
            for await _ in started { break }
        }
    }

    private func waitUntil(_ reads: BatchedReads<Int, String>, hasWaiting count: Int) async {
        while reads.waiting < count { await Task.yield() }
    }

    @Test("requests made while a read is in flight go together in the next, each with its own value")
    func together() async throws {
        let held = await HeldRead()
        let reads = BatchedReads<Int, String>(read: held.read)
        let first = Task { try await reads.value(for: 1) }
        await held.waitUntilStarted()

        let keys = [2, 3, 4, 5, 5, 6, 7, 8]
        let others = keys.map { key in Task { (key, try await reads.value(for: key)) } }
        await waitUntil(reads, hasWaiting: keys.count)
        held.release.unlock()

        #expect(try await first.value == "value 1")
        for other in others {
            let (key, value) = try await other.value
            #expect(value == (key == 7 ? nil : "value \(key)"))
        }
        #expect(held.calls.withLock { $0 } == [[1], [2, 3, 4, 5, 6, 7, 8]])
        #expect(reads.waiting == 0)
    }

    @Test("a failed read fails only the requests it carried; the next request reads again")
    func failure() async throws {
        let held = await HeldRead()
        held.failing.withLock { $0 = true }
        let reads = BatchedReads<Int, String>(read: held.read)
        let first = Task { try await reads.value(for: 1) }
        await held.waitUntilStarted()
        let second = Task { try await reads.value(for: 2) }
        await waitUntil(reads, hasWaiting: 1)
        held.release.unlock()
        await #expect(throws: Unreachable.self) { try await first.value }
        await #expect(throws: Unreachable.self) { try await second.value }

        held.failing.withLock { $0 = false }
        #expect(try await reads.value(for: 3) == "value 3")
        #expect(held.calls.withLock { $0 } == [[1], [2], [3]])
    }

    @Test("a burst larger than a batch is read in batches of the maximum, in the order asked")
    func maximum() async throws {
        let held = await HeldRead()
        let reads = BatchedReads<Int, String>(maximumBatch: 3, read: held.read)
        let first = Task { try await reads.value(for: 1) }
        await held.waitUntilStarted()
        var others: [Task<String?, any Error>] = []
        for key in 10...16 {
            others.append(Task { try await reads.value(for: key) })
            // One at a time, so the order asked is known.
            await waitUntil(reads, hasWaiting: key - 9)
        }
        held.release.unlock()
        _ = try await first.value
        for other in others { _ = try await other.value }
        #expect(held.calls.withLock { $0 } == [[1], [10, 11, 12], [13, 14, 15], [16]])
    }
}
