import Foundation
import Synchronization

/// The per-country figures of petitions as they are published: from a snapshot taken at a
/// coarse interval, not beside the live total. Watching each new signature arrive then says
/// nothing about which country it came from. Snapshots end on multiples of the interval
/// (on the hour, by default), so that instances sharing a database refresh together.
public final class CountryFigures: Sendable {
    public let threshold: Int
    public let interval: Duration
    private let store: any PetitionStore
    private let clock: WallClock
    private let snapshots = Mutex<[UUID: Snapshot]>([:])

    public struct Snapshot: Sendable, Equatable {
        public var figures: SmallCounts.Figures
        /// When the counts were read.
        public var takenAt: Date
        fileprivate var validUntil: Date
    }

    public init(
        store: any PetitionStore, threshold: Int, interval: Duration, clock: WallClock = .system
    ) {
        self.store = store
        self.threshold = threshold
        self.interval = interval
        self.clock = clock
    }

    public func snapshot(for petitionID: UUID) async throws -> Snapshot {
        let now = clock.now
        if let current = snapshots.withLock({ $0[petitionID] }), current.validUntil > now { return current }
        let figures = SmallCounts.publishable(
            try await store.countryCounts(petitionID: petitionID), threshold: threshold)
        let seconds = max(1, Double(interval.components.seconds))
        let end = Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / seconds).rounded(.down) + 1) * seconds)
        let fresh = Snapshot(figures: figures, takenAt: now, validUntil: end)
        return snapshots.withLock { snapshots in
            // Another request may have taken a newer one meanwhile: the newest stays.
            if let current = snapshots[petitionID], current.takenAt > now { return current }
            snapshots[petitionID] = fresh
            return fresh
        }
    }
}
