import ArgumentParser
import Foundation
import Undersigned

/// The window and petition a moderator looks at.
struct ReviewOptions: ParsableArguments {
    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "How many hours back to look.")
    var hours: Int = 24

    func validate() throws {
        guard (1...24 * 366).contains(hours) else { throw ValidationError("--hours must be between 1 and 8784") }
    }

    func window(endingAt now: Date) -> ClosedRange<Date> {
        return now.addingTimeInterval(-Double(hours) * 3600)...now
    }
}

struct Review: InstanceCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show where a petition's recent signatures come from, by email domain, to spot a flood.")

    @OptionGroup var review: ReviewOptions
    @Option(help: "How many domains to list.")
    var top: Int = 25
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        try await instance.loadDataKeys()
        let petition = try await instance.petition(slug: review.petition)
        let domains = try await instance.signatureReview.domains(
            petitionID: petition.id, window: review.window(endingAt: instance.clock.now))
        print("signatures of the last \(review.hours) hour(s) by email domain")
        print(
            ["domain".padding(toLength: 32, withPad: " ", startingAt: 0), "confirmed", "pending", "busiest hour"]
                .joined(separator: "  "))
        for activity in domains.prefix(top) {
            let cells = [activity.confirmed, activity.pending, activity.busiestHour].map {
                String($0).leftPadded(to: 9)
            }
            print(
                ([activity.domain.padding(toLength: 32, withPad: " ", startingAt: 0)] + cells).joined(separator: "  "))
        }
        if domains.count > top { print("… and \(domains.count - top) more domain(s)") }
    }
}

struct Invalidate: InstanceCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Invalidate a petition's recent signatures from one email domain, with a recorded reason. Confirmed ones leave the count."
    )

    @OptionGroup var review: ReviewOptions
    @Option(help: "The email domain whose signatures are invalidated, e.g. spam.example.")
    var domain: String
    @Option(help: "Why, in words: recorded with the batch.")
    var reason: String
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        try await instance.loadDataKeys()
        let petition = try await instance.petition(slug: review.petition)
        let invalidation = try await instance.signatureReview.invalidate(
            petitionID: petition.id, domain: domain, window: review.window(endingAt: instance.clock.now), reason: reason
        )
        print("invalidated \(invalidation.signatures) signature(s): \(invalidation.criteria)")
        print("recorded as invalidation \(invalidation.id.uuidString.lowercased()), reason: \(invalidation.reason)")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}

struct AssignPetition: InstanceCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign-petition",
        abstract:
            "Hand a petition (the seed petition, say) to an organization, whose members then run it from its pages.")

    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "The organization's slug, as in /org/SLUG.")
    var organization: String
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let found = try await instance.petition(slug: petition)
        guard let owner = try await instance.database.organization(slug: organization) else {
            throw ValidationError("no organization has the slug \(organization)")
        }
        try await instance.petitionEditor.assign(found.id, to: owner)
        print("\(petition) now belongs to \(owner.name); running instances show it within a few seconds")
    }
}
