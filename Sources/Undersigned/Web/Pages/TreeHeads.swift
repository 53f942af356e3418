import Foundation

/// The latest signed tree head of each petition, re-read at most every second.
/// Its published form is made once per read too, not once per request: the log's latest-head
/// API shows it on every hit.
final class TreeHeads: Sendable {
    struct Latest: Sendable {
        var head: SignedTreeHead?
        var published: PublishedTreeHead?
    }

    private let store: any SignatureLogStore
    private let cache: ExpiringCache<UUID, Latest>

    init(store: any SignatureLogStore, lifetime: Duration = .seconds(1)) {
        self.store = store
        cache = ExpiringCache(lifetime: lifetime)
    }

    func latest(for petitionID: UUID) async throws -> SignedTreeHead? {
        try await published(for: petitionID).head
    }

    /// What memory holds now, if it is not yet due to be read again.
    func fresh(for petitionID: UUID) -> Latest? {
        cache.freshValue(for: petitionID)
    }

    func published(for petitionID: UUID) async throws -> Latest {
        try await cache.value(for: petitionID) { [store] in
            let head = try await store.latestTreeHead(petitionID: petitionID)
            return Latest(head: head, published: head.map(PublishedTreeHead.init))
        }
    }
}
