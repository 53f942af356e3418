import Foundation

/// The per-country figures of petitions as they may be published, re-read at most once a
/// second.
public final class CountryFigures: Sendable {
    public let threshold: Int
    private let store: any PetitionStore
    private let cache = ExpiringCache<UUID, [SmallCounts.Tally]>(lifetime: .seconds(1))

    public init(store: any PetitionStore, threshold: Int = SmallCounts.defaultThreshold) {
        self.store = store
        self.threshold = threshold
    }

    public func tallies(for petitionID: UUID) async throws -> [SmallCounts.Tally] {
        try await cache.value(for: petitionID) {
            SmallCounts.publishable(try await store.countryCounts(petitionID: petitionID), threshold: threshold)
        }
    }
}
