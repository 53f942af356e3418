import Foundation

/// Each petition's signatures from paper that count, read at most every few seconds: they
/// change only when a batch is imported or voided, which a page may show a moment late.
public final class PaperCounts: Sendable {
    private let store: any PaperBatchStore
    private let cache: ExpiringCache<UUID, Int>

    public init(store: any PaperBatchStore, lifetime: Duration = .seconds(5)) {
        self.store = store
        cache = ExpiringCache(lifetime: lifetime)
    }

    /// What memory holds now, if it is not yet due to be read again.
    func freshCount(for petitionID: UUID) -> Int? {
        cache.freshValue(for: petitionID)
    }

    public func count(for petitionID: UUID) async throws -> Int {
        try await cache.value(for: petitionID) { [store] in try await store.paperSignatureCount(petitionID: petitionID)
        }
    }
}
