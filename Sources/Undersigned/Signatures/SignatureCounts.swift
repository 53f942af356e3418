import Foundation
import Synchronization

/// Confirmed-signature counts served from memory. Confirmations committed by this instance
/// are added at once; the stored counter is re-read at most once a second per petition,
/// which picks up what other instances sharing the database confirmed.
public final class SignatureCounts: Sendable {
    private struct Entry {
        var count: Int
        var readAt: ContinuousClock.Instant
        var refreshing = false
    }

    private let store: any PetitionStore
    private let entries = Mutex<[UUID: Entry]>([:])
    private let maximumAge: Duration

    public init(store: any PetitionStore, maximumAge: Duration = .seconds(1)) {
        self.store = store
        self.maximumAge = maximumAge
    }

    public func count(for petitionID: UUID) async throws -> Int {
        let now = ContinuousClock.now
        enum Decision { case use(Int), refresh, refreshWhileServing(Int) }
        let decision: Decision = entries.withLock { entries in
            guard let entry = entries[petitionID] else { return .refresh }
            if now - entry.readAt < maximumAge { return .use(entry.count) }
            if entry.refreshing { return .use(entry.count) }
            entries[petitionID]?.refreshing = true
            return .refreshWhileServing(entry.count)
        }
        switch decision {
        case .use(let count):
            return count
        case .refresh, .refreshWhileServing:
            do {
                let stored = try await store.signatureCount(petitionID: petitionID)
                return entries.withLock { entries in
                    entries[petitionID] = Entry(count: stored, readAt: ContinuousClock.now)
                    return stored
                }
            } catch {
                entries.withLock { $0[petitionID]?.refreshing = false }
                if case .refreshWhileServing(let count) = decision { return count }
                throw error
            }
        }
    }

    /// Records confirmations this instance has just committed.
    public func add(_ deltas: [UUID: Int]) {
        entries.withLock { entries in
            for (petitionID, delta) in deltas {
                entries[petitionID]?.count += delta
            }
        }
    }
}
