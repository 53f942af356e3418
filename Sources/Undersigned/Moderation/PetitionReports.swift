import Foundation

/// Why a visitor reports a petition: a fixed list, so that moderators can count them.
public enum ReportReason: String, Sendable, CaseIterable {
    case hateful
    case misleading
    case privacy
    case spam
    case other
}

/// How a report was closed.
public enum ReportResolution: String, Sendable, CaseIterable {
    /// A moderator saw nothing to act on.
    case dismissed
    /// The petition was taken down.
    case takenDown = "taken-down"
}

/// A visitor's report about a petition. Nothing in it says who sent it: no account, no
/// address, no hash of one.
public struct PetitionReport: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    public var reason: ReportReason
    /// What the visitor added, sealed like signers' personal data since people may write
    /// about themselves; erased when the report is resolved.
    public var sealedDetails: [UInt8]?
    public var createdAt: Date

    public init(id: UUID = .random(), petitionID: UUID, reason: ReportReason, sealedDetails: [UInt8]?, createdAt: Date)
    {
        self.id = id
        self.petitionID = petitionID
        self.reason = reason
        self.sealedDetails = sealedDetails
        self.createdAt = createdAt
    }
}

/// Report details as sealed in the database.
struct SealedReportDetails: SealableRecord {
    var text: String

    var sealedFields: [String] { [text] }

    init(_ text: String) {
        self.text = text
    }

    init(sealedFields: [String]) throws {
        guard sealedFields.count == 1 else { throw PersonalDataSealer.SealingError.malformed }
        text = sealedFields[0]
    }
}

/// Where reports are kept. They are closed in a petition's transaction (see
/// ``PetitionTransaction/resolveReports(petitionID:as:at:)``), with the audit event of the
/// decision.
public protocol ReportStore: Sendable {
    func insert(_ report: PetitionReport) async throws
    /// Reports not yet resolved, oldest first: of one petition, or of all when `petitionID` is `nil`.
    func openReports(petitionID: UUID?) async throws -> [PetitionReport]
}

extension [PetitionReport] {
    /// "3 reports: 2 hateful, 1 spam", for the audit log.
    var summary: String {
        let counts = ReportReason.allCases.compactMap { reason -> String? in
            let count = filter { $0.reason == reason }.count
            return count == 0 ? nil : "\(count) \(reason.rawValue)"
        }
        return "\(count) report\(count == 1 ? "" : "s"): " + counts.joined(separator: ", ")
    }
}

/// Visitors' reports: taken from the public form, read by moderators. Moderators close them
/// through ``Moderation``.
public struct Reports: Sendable {
    public typealias Store = ReportStore & PetitionStore

    let store: any Store
    let sealer: PersonalDataSealer
    let clock: WallClock

    public static let detailsLimit = 2_000

    public init(store: any Store, sealer: PersonalDataSealer, clock: WallClock = .system) {
        self.store = store
        self.sealer = sealer
        self.clock = clock
    }

    /// Stores a visitor's report, with nothing that says who sent it.
    /// - Parameter words: the visitor's language, for what they have to fix.
    public func submit(
        about petition: Petition, reason: String?, details: String?, in words: Translation = Translations.english
    ) async throws {
        var problems = FormProblems()
        let reason = ReportReason(rawValue: reason ?? "")
        if reason == nil { problems["reason"] = words.text(.reportErrorReason) }
        let details = (details ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
        if details.count > Self.detailsLimit {
            problems["details"] = words.text(
                .reportErrorDetailsTooLong, ["limit": words.language.number(Self.detailsLimit)])
        }
        try problems.check()
        guard let reason else { throw problems }
        let id = UUID.random()
        try await store.insert(
            PetitionReport(
                id: id, petitionID: petition.id, reason: reason,
                sealedDetails: details.isEmpty ? nil : try sealer.seal(SealedReportDetails(details), in: .report(id)),
                createdAt: clock.now))
    }

    /// An open report as moderators read it.
    public struct Open: Sendable, Equatable {
        public var reason: ReportReason
        public var details: String?
        public var createdAt: Date
    }

    /// A petition with open reports.
    public struct ReportedPetition: Sendable {
        public var petition: Petition
        /// Oldest first; never empty.
        public var reports: [Open]
    }

    /// Petitions with open reports, the most reported first, then the longest waiting.
    public func reportedPetitions() async throws -> [ReportedPetition] {
        var reported: [ReportedPetition] = []
        for (petitionID, reports) in Dictionary(
            grouping: try await store.openReports(petitionID: nil), by: \.petitionID)
        {
            guard let petition = try await store.petition(id: petitionID) else { continue }
            reported.append(ReportedPetition(petition: petition, reports: try reports.map(opened)))
        }
        return reported.sorted {
            ($0.reports.count, $1.reports[0].createdAt) > ($1.reports.count, $0.reports[0].createdAt)
        }
    }

    public func open(of petition: Petition) async throws -> [Open] {
        try await store.openReports(petitionID: petition.id).map(opened)
    }

    private func opened(_ report: PetitionReport) throws -> Open {
        Open(
            reason: report.reason,
            details: try report.sealedDetails.map {
                try sealer.open(SealedReportDetails.self, from: $0, in: .report(report.id)).text
            },
            createdAt: report.createdAt)
    }
}
