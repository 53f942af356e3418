import Foundation
import Hummingbird

/// Thrown for any public address of a petition that moderators took down. The error
/// middleware answers it with 410 Gone: a page that names the petition, says when and why it
/// was taken down and shows nothing else of it, or problem details for the API.
struct PetitionTakenDown: Error, Sendable {
    var petition: Petition
    /// What this means for the visitor's own signature, when they came about one: still
    /// waiting for its confirmation, or confirmed before.
    var consequence: Phrase?

}

struct TombstoneView {
    var page: Layout
    var title: String
    var lang: String
    var dir: String
    var takenDownOn: String?
    var reason: String
    var consequence: String?

    init(_ takenDown: PetitionTakenDown, stylesheet: String, language: InterfaceLanguage) {
        let petition = takenDown.petition
        let words = Translations.bundled[language]
        page = Layout(title: words.text(.tombstoneHeading), stylesheet: stylesheet, language: language)
        title = petition.title
        lang = petition.language
        dir = TextDirection.of(language: petition.language)
        takenDownOn = petition.stateChangedAt.map { words.text(.tombstoneWhen, ["date": language.date($0)]) }
        reason = petition.stateReason ?? words.text(.tombstoneNoReason)
        consequence = takenDown.consequence.map { words.text($0) }
    }
}

/// RFC 9457 problem details of a taken-down petition, with the reason and date as members
/// of their own.
struct TakenDownProblem: Encodable {
    var type = "about:blank"
    var title: String
    var status = 410
    var detail: String
    var reason: String
    /// ISO 8601, when known.
    var takenDownAt: String?

    init(_ takenDown: PetitionTakenDown, language: InterfaceLanguage) {
        let words = Translations.bundled[language]
        let petition = takenDown.petition
        title = words.text(.tombstoneHeading)
        reason = petition.stateReason ?? words.text(.tombstoneNoReason)
        detail = words.text(.tombstoneProblemDetail, ["title": petition.title, "reason": reason])
        takenDownAt = petition.stateChangedAt.map { $0.formatted(.iso8601) }
    }
}
