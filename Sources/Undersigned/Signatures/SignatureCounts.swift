import Foundation
import Synchronization

/// Confirmed-signature counts served from memory. Confirmations committed by this instance
/// are added as they commit; the stored counter is re-read at most once a second per
/// petition, which brings in what other instances sharing the database confirmed.
///
/// A re-read and a local commit never interleave (a re-read holds `commits` alone, each commit
/// shares it with the others in flight), so a re-read that started before a commit can never
/// overwrite that commit's increment with an older value.
public final class SignatureCounts: Sendable {
    private struct Entry {
        var count: Int
        var readAt: ContinuousClock.Instant
        var refreshing = false
    }

    private let store: any PetitionStore
    private let entries = Mutex<[UUID: Entry]>([:])
    private let commits = AsyncLock()
    private let maximumAge: Duration
    /// Told of each count this instance's commits move.
    private let changes: ChangeCounter?

    public init(store: any PetitionStore, maximumAge: Duration = .seconds(1), changes: ChangeCounter? = nil) {
        self.store = store
        self.maximumAge = maximumAge
        self.changes = changes
    }

    public func count(for petitionID: UUID) async throws -> Int {
        let now = ContinuousClock.now
        enum Decision {
            case use(Int)
            case refresh(fallback: Int?)
        }
        let decision: Decision = entries.withLock { entries in
            guard let entry = entries[petitionID] else { return .refresh(fallback: nil) }
            if now - entry.readAt < maximumAge || entry.refreshing { return .use(entry.count) }
            entries[petitionID]?.refreshing = true
            return .refresh(fallback: entry.count)
        }
        switch decision {
        case .use(let count):
            return count
        case .refresh(let fallback):
            do {
                return try await commits.withLock {
                    let stored = try await store.signatureCount(petitionID: petitionID)
                    entries.withLock { $0[petitionID] = Entry(count: stored, readAt: ContinuousClock.now) }
                    return stored
                }
            } catch {
                entries.withLock { $0[petitionID]?.refreshing = false }
                if let fallback { return fallback }
                throw error
            }
        }
    }

    /// What memory holds now, if it is not yet due to be read again.
    func freshCount(for petitionID: UUID) -> Int? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[petitionID], now - entry.readAt < maximumAge else { return nil }
            return entry.count
        }
    }

    /// What memory holds now, without reading the database.
    func cachedCount(for petitionID: UUID) -> Int? {
        entries.withLock { $0[petitionID]?.count }
    }

    /// Runs a commit that changes counts, and adds its changes once it is durable. Commits may
    /// run at once: what they add does not depend on their order.
    func recording<Result: Sendable>(_ commit: () async throws -> (result: Result, deltas: [UUID: Int])) async throws
        -> Result
    {
        try await commits.withSharedLock {
            let (result, deltas) = try await commit()
            entries.withLock { entries in
                for (petitionID, delta) in deltas {
                    entries[petitionID]?.count += delta
                }
            }
            if !deltas.isEmpty { changes?.note() }
            return result
        }
    }
}
