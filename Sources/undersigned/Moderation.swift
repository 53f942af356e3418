import ArgumentParser
import Foundation
import Undersigned

/// The window and petition a moderator looks at.
struct ReviewOptions: ParsableArguments {
    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "How many hours back to look.")
    var hours: Int = 24

    func window() throws -> ClosedRange<Date> {
        guard (1...24 * 366).contains(hours) else { throw ValidationError("--hours must be between 1 and 8784") }
        let now = Date()
        return now.addingTimeInterval(-Double(hours) * 3600)...now
    }
}

/// Opens the database and its data keys, finds the petition, and runs `body` with them: for
/// the commands that read signers' sealed data.
func withPetition<Result: Sendable>(
    settings: Settings, slug: String, _ body: @Sendable (any Database, PersonalDataSealer, Petition) async throws -> Result
) async throws -> Result {
    let masterKeys = try settings.loadMasterKeys()
    return try await withDatabase(settings: settings, logger: makeLogger(settings)) { database in
        let keys = DataKeyRing(store: database, masterKeys: masterKeys, reloadMasterKeys: settings.loadMasterKeys)
        try await keys.refresh()
        guard let petition = try await database.petition(slug: slug) else { throw ValidationError("no petition has the slug \(slug)") }
        return try await body(database, PersonalDataSealer(keys: keys), petition)
    }
}

/// A review of the petition's signatures, for `review` and `invalidate`.
func withReview<Result: Sendable>(
    settings: Settings, slug: String, _ body: @Sendable (SignatureReview, Petition) async throws -> Result
) async throws -> Result {
    let receipts = ReceiptCodes(key: try ServerSecret.load(configured: settings.secret, dataDirectory: settings.dataDirectory).key(for: .receipt))
    return try await withPetition(settings: settings, slug: slug) { database, sealer, petition in
        try await body(SignatureReview(store: database, sealer: sealer, receipts: receipts), petition)
    }
}

struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show where a petition's recent signatures come from, by email domain, to spot a flood.")

    @OptionGroup var options: SettingsOptions
    @OptionGroup var review: ReviewOptions
    @Option(help: "How many domains to list.")
    var top: Int = 25

    func run() async throws {
        let settings = try options.settings()
        let window = try review.window()
        let domains = try await withReview(settings: settings, slug: review.petition) { review, petition in
            try await review.domains(petitionID: petition.id, window: window)
        }
        print("signatures of the last \(review.hours) hour(s) by email domain")
        print(["domain".padding(toLength: 32, withPad: " ", startingAt: 0), "confirmed", "pending", "busiest hour"].joined(separator: "  "))
        for activity in domains.prefix(top) {
            let cells = [activity.confirmed, activity.pending, activity.busiestHour].map { String($0).leftPadded(to: 9) }
            print(([activity.domain.padding(toLength: 32, withPad: " ", startingAt: 0)] + cells).joined(separator: "  "))
        }
        if domains.count > top { print("… and \(domains.count - top) more domain(s)") }
    }
}

struct Invalidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invalidate a petition's recent signatures from one email domain, with a recorded reason. Confirmed ones leave the count.")

    @OptionGroup var options: SettingsOptions
    @OptionGroup var review: ReviewOptions
    @Option(help: "The email domain whose signatures are invalidated, e.g. spam.example.")
    var domain: String
    @Option(help: "Why, in words: recorded with the batch.")
    var reason: String

    func run() async throws {
        let settings = try options.settings()
        let window = try review.window()
        let invalidation = try await withReview(settings: settings, slug: review.petition) { [domain, reason] review, petition in
            try await review.invalidate(petitionID: petition.id, domain: domain, window: window, reason: reason)
        }
        print("invalidated \(invalidation.signatures) signature(s): \(invalidation.criteria)")
        print("recorded as invalidation \(invalidation.id.uuidString.lowercased()), reason: \(invalidation.reason)")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}

struct AssignPetition: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign-petition",
        abstract: "Hand a petition (the seed petition, say) to an organization, whose members then run it from its pages.")

    @OptionGroup var options: SettingsOptions
    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "The organization's slug, as in /org/SLUG.")
    var organization: String

    func run() async throws {
        let settings = try options.settings()
        let (petitionSlug, organizationSlug) = (petition, organization)
        let name = try await withDatabase(settings: settings, logger: makeLogger(settings)) { database in
            guard let petition = try await database.petition(slug: petitionSlug) else { throw ValidationError("no petition has the slug \(petitionSlug)") }
            guard let organization = try await database.organization(slug: organizationSlug) else {
                throw ValidationError("no organization has the slug \(organizationSlug)")
            }
            try await PetitionEditor(store: database, review: settings.petitionReview).assign(petition.id, to: organization)
            return organization.name
        }
        print("\(petitionSlug) now belongs to \(name); running instances show it within a few seconds")
    }
}
