import Foundation
import Testing

@testable import Undersigned

/// A petition store whose counter is read slowly, as a busy database would.
final class SlowCounterStore: PetitionStore {
    let stored = Locked(0)
    let readDelay: Duration

    init(readDelay: Duration) {
        self.readDelay = readDelay
    }

    func signatureCount(petitionID: UUID) async throws -> Int {
        let value = stored.value
        try await Task.sleep(for: readDelay)
        return value
    }

    func insert(_ petition: Petition) async throws {}
    func petition(slug: String) async throws -> Petition? { nil }
    func petition(id: UUID) async throws -> Petition? { nil }
    func openPetitions() async throws -> [Petition] { [] }
    func petitionCount() async throws -> Int { 0 }
    func countryCounts(petitionID: UUID) async throws -> [String: Int] { [:] }
}

@Suite("Counts in memory")
struct SignatureCountsTests {
    @Test("a re-read that overlaps a commit never loses the commit's increment")
    func refreshDoesNotOverwriteCommits() async throws {
        let store = SlowCounterStore(readDelay: .milliseconds(20))
        let counts = SignatureCounts(store: store, maximumAge: .zero)
        let petition = UUID()
        #expect(try await counts.count(for: petition) == 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try await counts.count(for: petition) }
                group.addTask {
                    try await counts.recording {
                        store.stored.withLock { $0 += 1 }
                        return ((), [petition: 1])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(store.stored.value == 20)
        #expect(counts.cachedCount(for: petition) == 20)
    }

    @Test("a commit that moves a count is counted as a change of what pages show; one that moves none is not")
    func changesNoted() async throws {
        let changes = ChangeCounter()
        let counts = SignatureCounts(store: SlowCounterStore(readDelay: .zero), changes: changes)
        let petition = UUID()
        _ = try await counts.count(for: petition)
        try await counts.recording { ((), [:]) }
        #expect(changes.current == 0)
        try await counts.recording { ((), [petition: 1]) }
        #expect(changes.current == 1)
        #expect(counts.cachedCount(for: petition) == 1)
    }
}
