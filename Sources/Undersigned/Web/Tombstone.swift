import Foundation
import Hummingbird

/// Thrown for any public address of a petition that moderators took down. The error
/// middleware answers it with 410 Gone: a page that names the petition, says when and why it
/// was taken down and shows nothing else of it, or problem details for the API.
struct PetitionTakenDown: Error, Sendable {
    var petition: Petition
    /// What this means for the visitor's own signature, when they came about one.
    var consequence: String?

    static let title = "This petition has been taken down"

    /// The consequence for a signature still waiting for its confirmation…
    static let unconfirmedSignature =
        "Signatures can no longer be confirmed, so yours was not counted. Your name and email address will be deleted within 7 days."
    /// … and for one confirmed before.
    static let confirmedSignature =
        "Your signature was counted before the petition was taken down. You can still withdraw it, which erases your name and email "
        + "address at once, with the link in your receipt email."

    /// The moderators' public reason.
    var reason: String { petition.stateReason ?? "No reason was recorded." }

    var detail: String {
        let when = petition.stateChangedAt.map { " on \(Moderation.day($0))" } ?? ""
        return "The moderators of this site took down \u{201C}\(petition.title)\u{201D}\(when). Their reason: \(reason)"
    }
}

struct TombstoneView {
    var page: Layout
    var heading: String
    var title: String
    var lang: String
    var dir: String
    var takenDownOn: String?
    var reason: String
    var consequence: String?

    init(_ takenDown: PetitionTakenDown, stylesheet: String) {
        let petition = takenDown.petition
        page = Layout(title: PetitionTakenDown.title, stylesheet: stylesheet)
        heading = PetitionTakenDown.title
        title = petition.title
        lang = petition.language
        dir = TextDirection.of(language: petition.language)
        takenDownOn = petition.stateChangedAt.map(Moderation.day)
        reason = takenDown.reason
        consequence = takenDown.consequence
    }
}

/// RFC 9457 problem details of a taken-down petition, with the reason and date as members
/// of their own.
struct TakenDownProblem: Encodable {
    var type = "about:blank"
    var title = PetitionTakenDown.title
    var status = 410
    var detail: String
    var reason: String
    /// ISO 8601, when known.
    var takenDownAt: String?

    init(_ takenDown: PetitionTakenDown) {
        detail = takenDown.detail
        reason = takenDown.reason
        takenDownAt = takenDown.petition.stateChangedAt.map { $0.formatted(.iso8601) }
    }
}
