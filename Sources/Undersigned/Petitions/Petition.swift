import Foundation

/// A petition addressed to named decision makers.
public struct Petition: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var slug: String
    public var state: PetitionState
    /// BCP 47 language tag of the petition's own text.
    public var language: String
    public var title: String
    public var summary: String
    public var bodyMarkdown: String
    /// Who runs the campaign, as shown on the page.
    public var organizer: String
    /// The goal set by the organizer; the displayed goal rises beyond it (see ``Goal``).
    public var goal: Int
    public var targets: [Target]
    /// Targets' public answers, oldest first.
    public var responses: [TargetResponse]
    /// Dated corrections published once the text is frozen, oldest first.
    public var amendments: [Amendment]
    /// News from the organizers, newest first.
    public var updates: [PetitionUpdate]
    /// The text in other languages that a moderator has seen (or that came with the petition
    /// they approved), by language tag: the only ones the public reads.
    public var translations: [PetitionTranslation]
    /// Translations added or changed since, waiting for a moderator.
    public var translationsAwaitingReview: [PetitionTranslation]
    /// The organization that runs it; `nil` for a petition the instance itself hosts (the seed).
    public var organizationID: UUID?
    /// Why it was taken down (shown to the public) or sent back to its organizers by a moderator.
    public var stateReason: String?
    /// When it last changed state (submitted, approved, taken down…); `nil` for petitions
    /// older than the record of it.
    public var stateChangedAt: Date?
    public var image: PetitionImage.Reference?
    public var createdAt: Date

    public init(
        id: UUID = .random(), slug: String, state: PetitionState, language: String, title: String, summary: String,
        bodyMarkdown: String, organizer: String, goal: Int, targets: [Target], responses: [TargetResponse] = [],
        amendments: [Amendment] = [],
        updates: [PetitionUpdate] = [], translations: [PetitionTranslation] = [],
        translationsAwaitingReview: [PetitionTranslation] = [],
        organizationID: UUID? = nil, stateReason: String? = nil, stateChangedAt: Date? = nil,
        image: PetitionImage.Reference? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.slug = slug
        self.state = state
        self.language = language
        self.title = title
        self.summary = summary
        self.bodyMarkdown = bodyMarkdown
        self.organizer = organizer
        self.goal = goal
        self.targets = targets
        self.responses = responses
        self.amendments = amendments
        self.updates = updates
        self.translations = translations
        self.translationsAwaitingReview = translationsAwaitingReview
        self.organizationID = organizationID
        self.stateReason = stateReason
        self.stateChangedAt = stateChangedAt
        self.image = image
        self.createdAt = createdAt
    }

    public var acceptsSignatures: Bool { state == .open }

    /// Whether anyone but its organizers and moderators may see it.
    public var isPublic: Bool { ![.draft, .pendingReview].contains(state) }

    /// Title, body, language and targets are what people sign; they freeze when the petition
    /// opens, since from then on someone may be signing at any moment. Corrections become
    /// amendments.
    public var isTextFrozen: Bool { ![.draft, .pendingReview].contains(state) }

    /// The petition in `language`: its own text, or a translation, or `nil` if it has none.
    public func text(in language: String) -> PetitionTranslation? {
        if language == self.language { return originalText }
        return translations.first { $0.language == language }
    }

    /// The text as written, in the petition's own language.
    public var originalText: PetitionTranslation {
        PetitionTranslation(language: language, title: title, summary: summary, bodyMarkdown: bodyMarkdown)
    }

    /// Its own language first, then its translations'.
    public var languages: [String] { [language] + translations.map(\.language) }

    public var content: PetitionContent {
        PetitionContent(
            title: title, summary: summary, bodyMarkdown: bodyMarkdown, language: language, goal: goal, targets: targets
        )
    }
}

/// The petition's title, summary and text in another language. People sign the petition,
/// whatever language they read it in, so a translation freezes like the text once the
/// petition is open; a new one may still be added.
public struct PetitionTranslation: Sendable, Equatable {
    public var language: String
    public var title: String
    public var summary: String
    public var bodyMarkdown: String

    public init(language: String, title: String, summary: String, bodyMarkdown: String) {
        self.language = language
        self.title = title
        self.summary = summary
        self.bodyMarkdown = bodyMarkdown
    }

    /// Whether `language` is `other` or a variant of it (`en-US` of `en`, say), which a
    /// visitor asking for one would be given instead of the other.
    public static func isVariant(_ language: String, of other: String) -> Bool {
        func primary(_ tag: String) -> Substring { tag.lowercased().split(separator: "-").first ?? "" }
        return primary(language) == primary(other)
    }

    /// Checks a translation as the editor's fields are checked, saying what is wrong in `words`.
    public static func validated(
        language: String?, title: String?, summary: String?, bodyMarkdown: String?,
        in words: Translation = Translations.english
    ) -> Result<Self, FormProblems> {
        var problems = FormProblems()
        let translation = PetitionContent.checkedText(
            title: title, summary: summary, bodyMarkdown: bodyMarkdown, language: language, problems: &problems,
            in: words)
        return problems.isEmpty ? .success(translation) : .failure(problems)
    }
}

/// A correction published on the petition page with its date, since the text people signed
/// cannot change.
public struct Amendment: Sendable, Equatable {
    public var id: UUID
    public var bodyMarkdown: String
    public var createdAt: Date

    public init(id: UUID = .random(), bodyMarkdown: String, createdAt: Date) {
        self.id = id
        self.bodyMarkdown = bodyMarkdown
        self.createdAt = createdAt
    }
}

public enum PetitionState: String, Sendable, CaseIterable, Codable {
    case draft
    case pendingReview = "pending_review"
    case open
    case closed
    case delivered
    case takenDown = "taken_down"

    /// Its organizers may still change it: its image, summary and goal, and its text until it opens.
    public var isEditable: Bool { [.draft, .pendingReview, .open].contains(self) }

    /// People have been able to sign it and it is not taken down: it can be delivered, and
    /// its signers written to.
    public var hasOpened: Bool { [.open, .closed, .delivered].contains(self) }
}

/// A decision maker the petition is addressed to, in the order the organizer chose.
public struct Target: Sendable, Equatable, Codable {
    public var name: String
    /// Title or role, e.g. "Secretary-General of the United Nations".
    public var role: String
    public var organization: String
    public var contact: String?

    public init(name: String, role: String = "", organization: String = "", contact: String? = nil) {
        self.name = name
        self.role = role
        self.organization = organization
        self.contact = contact
    }
}
