import Foundation
import Hummingbird
import Synchronization

/// Petitions by slug and by id, re-read from the database at most every few seconds, with the
/// skeleton of each one's page.
final class PetitionCatalog: Sendable {
    private let store: any PetitionStore
    private let petitions: ExpiringCache<String, Petition>
    private let petitionsByID: ExpiringCache<UUID, Petition>
    /// Petitions by state; only the open ones are asked for.
    private let lists: ExpiringCache<PetitionState, [Petition]>
    private let skeletons = Mutex<[SkeletonKey: SkeletonEntry]>([:])
    /// Told of each petition this instance changes.
    private let changes: ChangeCounter?

    private struct SkeletonEntry {
        var petition: Petition
        var skeleton: PageSkeleton
        /// The skeleton with the figures last shown filled in.
        var figured: (figures: PetitionFigures, skeleton: PageSkeleton)?
    }

    private struct SkeletonKey: Hashable {
        var petitionID: UUID
        var language: String
        var interface: InterfaceLanguage
    }

    init(store: any PetitionStore, maximumAge: Duration = .seconds(5), changes: ChangeCounter? = nil) {
        self.store = store
        self.changes = changes
        self.petitions = ExpiringCache(lifetime: maximumAge)
        self.petitionsByID = ExpiringCache(lifetime: maximumAge)
        self.lists = ExpiringCache(lifetime: maximumAge)
    }

    func petition(slug: String) async throws -> Petition? {
        guard Self.isPlausibleSlug(slug) else { return nil }
        return try await petitions.valueIfAny(for: slug) { [store] in try await store.petition(slug: slug) }
    }

    func petition(id: UUID) async throws -> Petition? {
        try await petitionsByID.valueIfAny(for: id) { [store] in try await store.petition(id: id) }
    }

    /// Open petitions, most signed first.
    func openPetitions() async throws -> [Petition] {
        try await lists.value(for: .open) { [store] in try await store.openPetitions() }
    }

    /// The page skeleton for this version of the petition in one of its languages, within the
    /// interface in one of its own, rendered on first use, with `figures` filled in by `fill`
    /// when they changed since the last request: between changes a page costs a copy.
    func skeleton(
        for petition: Petition, language: String, interface: InterfaceLanguage, figures: PetitionFigures,
        render: () -> PageSkeleton, fill: (PageSkeleton) -> PageSkeleton
    ) -> PageSkeleton {
        let key = SkeletonKey(petitionID: petition.id, language: language, interface: interface)
        let cached = skeletons.withLock { $0[key] }.flatMap { $0.petition == petition ? $0 : nil }
        if let figured = cached?.figured, figured.figures == figures { return figured.skeleton }
        var entry = cached ?? SkeletonEntry(petition: petition, skeleton: render())
        let figured = fill(entry.skeleton)
        entry.figured = (figures, figured)
        skeletons.withLock { [entry] in $0[key] = entry }
        return figured
    }

    /// Whether `petition`, with `figures`, is what this instance would show now, judged from
    /// what it keeps alone: not once either changed or is due to be read again.
    func stillShows(
        _ petition: Petition, with figures: PetitionFigures, counts: SignatureCounts, paperCounts: PaperCounts,
        heads: TreeHeads
    ) -> Bool {
        petitions.freshValue(for: petition.slug) == petition
            && PetitionFigures.fresh(of: petition.id, counts: counts, paperCounts: paperCounts, heads: heads) == figures
    }

    /// Drops what is cached of the petition, after a change made here, so that this instance
    /// shows it at once; others see it within the catalog's maximum age.
    func forget(_ petition: Petition) {
        petitions.remove(petition.slug)
        petitionsByID.remove(petition.id)
        changes?.note()
    }

    /// Slugs are lower-case letters, digits and dashes: anything else is not worth a query.
    static func isPlausibleSlug(_ slug: String) -> Bool {
        (1...120).contains(slug.utf8.count)
            && slug.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}

extension PetitionCatalog {
    /// The petition at a public address: `nil` for drafts and petitions waiting for review,
    /// which only their organizers and moderators may see, as for no petition at all. A
    /// taken-down petition throws ``PetitionTakenDown``.
    func publicPetition(slug: String) async throws -> Petition? {
        guard let petition = try await petition(slug: slug), petition.isPublic else { return nil }
        if petition.state == .takenDown { throw PetitionTakenDown(petition: petition) }
        return petition
    }
}

/// What a petition's page and its API answer show of its figures: each is made anew when one
/// changes.
struct PetitionFigures: Equatable, Sendable {
    var count: Int
    var paperCount: Int
    var latestHead: SignedTreeHead?

    /// The figures as this instance knows them now: from memory, or read at most every second or few.
    static func current(
        of petitionID: UUID, counts: SignatureCounts, paperCounts: PaperCounts, heads: TreeHeads
    ) async throws -> PetitionFigures {
        PetitionFigures(
            count: try await counts.count(for: petitionID), paperCount: try await paperCounts.count(for: petitionID),
            latestHead: try await heads.latest(for: petitionID))
    }

    /// The figures as memory holds them, without reading anything: `nil` once one is due to be
    /// read again.
    static func fresh(
        of petitionID: UUID, counts: SignatureCounts, paperCounts: PaperCounts, heads: TreeHeads
    ) -> PetitionFigures? {
        guard let count = counts.freshCount(for: petitionID), let paperCount = paperCounts.freshCount(for: petitionID),
            let latest = heads.fresh(for: petitionID)
        else { return nil }
        return PetitionFigures(count: count, paperCount: paperCount, latestHead: latest.head)
    }
}
