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
    public var createdAt: Date

    public init(
        id: UUID = UUID(), slug: String, state: PetitionState, language: String, title: String, summary: String,
        bodyMarkdown: String, organizer: String, goal: Int, targets: [Target], responses: [TargetResponse] = [], createdAt: Date = Date()
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
        self.createdAt = createdAt
    }

    public var acceptsSignatures: Bool { state == .open }
}

public enum PetitionState: String, Sendable, CaseIterable, Codable {
    case draft
    case pendingReview = "pending_review"
    case open
    case closed
    case delivered
    case takenDown = "taken_down"
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
