import Foundation

/// What a petition's organizers see of its signatures: counts by state, confirmations per
/// day and per source, and per-country figures. Every figure comes from counters kept as
/// signatures change or from index ranges no larger than the rows they count, so a
/// dashboard costs about the same at ten signatures or ten million.
public struct PetitionDashboard: Sendable {
    let store: any DashboardStore
    let petitions: any PetitionStore
    let countries: CountryFigures
    let clock: WallClock

    /// How far back the chart of confirmations goes.
    public static let chartDays = 90

    public init(
        store: any DashboardStore, petitions: any PetitionStore, countries: CountryFigures, clock: WallClock = .system
    ) {
        self.store = store
        self.petitions = petitions
        self.countries = countries
        self.clock = clock
    }

    public struct Figures: Sendable, Equatable {
        public var confirmed: Int
        /// Signed, not confirmed yet (deleted after 7 days).
        public var pending: Int
        public var withdrawn: Int
        public var invalidated: Int
        /// One entry per UTC day from the first confirmation (or ``chartDays`` ago) to today,
        /// days without confirmations included.
        public var perDay: [DailyCount]
        /// Every source, in a fixed order.
        public var perSource: [SourceCount]
        /// As the public sees them: the latest snapshot, small countries only together.
        public var countries: CountryFigures.Snapshot
    }

    public struct DailyCount: Sendable, Equatable {
        public var day: UTCDay
        public var confirmed: Int
    }

    public struct SourceCount: Sendable, Equatable {
        public var source: SignatureSource
        public var confirmed: Int
    }

    public func figures(for petition: Petition) async throws -> Figures {
        let states = try await store.unconfirmedCounts(petitionID: petition.id)
        let today = UTCDay(clock.now)
        let windowStart = UTCDay(number: today.number - (Self.chartDays - 1))
        // A petition younger than the window is charted from its first confirmation.
        let first = min(max(try await store.firstConfirmationDay(petitionID: petition.id) ?? today, windowStart), today)
        let daily = try await store.confirmationsPerDay(petitionID: petition.id, since: first)
        let perDay = (first.number...today.number).map { number in
            DailyCount(day: UTCDay(number: number), confirmed: daily[UTCDay(number: number)] ?? 0)
        }
        let sources = try await store.confirmationsPerSource(petitionID: petition.id)
        return Figures(
            confirmed: try await petitions.signatureCount(petitionID: petition.id), pending: states[.pending] ?? 0,
            withdrawn: states[.withdrawn] ?? 0, invalidated: states[.invalidated] ?? 0, perDay: perDay,
            perSource: SignatureSource.allCases.map { SourceCount(source: $0, confirmed: sources[$0] ?? 0) },
            countries: try await countries.snapshot(for: petition.id))
    }
}

/// The aggregates a dashboard reads.
public protocol DashboardStore: Sendable {
    /// Pending, withdrawn and invalidated signatures of the petition (confirmed ones are counted
    /// on the petition itself).
    func unconfirmedCounts(petitionID: UUID) async throws -> [SignatureState: Int]
    /// The first day on which a signature that still counts was confirmed.
    func firstConfirmationDay(petitionID: UUID) async throws -> UTCDay?
    /// Signatures confirmed on each day from `since` on that still count; days without any are left out.
    func confirmationsPerDay(petitionID: UUID, since: UTCDay) async throws -> [UTCDay: Int]
    /// Confirmed signatures that still count, by where they were made.
    func confirmationsPerSource(petitionID: UUID) async throws -> [SignatureSource: Int]
}
