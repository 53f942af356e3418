import Crypto
import Foundation

/// A target's private link: a random token that only the target holds. The database keeps
/// its SHA-256, so a copy of the database opens no target's page; revoking makes it worthless.
public enum TargetLinks {
    public static func newToken() -> (token: String, hash: [UInt8]) {
        let token = Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        return (token, hash(of: token))
    }

    public static func hash(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// The audit event of creating or revoking a target's links; `actor` is `nil` from the command line.
    public static func event(
        _ action: AuditAction, _ petition: Petition, targetPosition: Int, by actor: UUID?, at date: Date
    ) -> AuditEvent {
        AuditEvent(
            at: date, actorID: actor, action: action, subjectType: "petition", subjectID: petition.id.text,
            organizationID: petition.organizationID,
            details: "target \(targetPosition + 1)")
    }
}

/// A target's answer to a petition, posted through its private link. It is published, and
/// the signers who asked for news are told, only once the petition's organization approves it.
public struct TargetResponse: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    public var targetPosition: Int
    /// Markdown, rendered through the sanitiser like petition texts.
    public var bodyMarkdown: String
    public var createdAt: Date
    public var state: ResponseState
    /// When an organizer approved or rejected it.
    public var decidedAt: Date?

    public static let maximumLength = 20_000

    public init(
        id: UUID = .random(), petitionID: UUID, targetPosition: Int, bodyMarkdown: String, createdAt: Date,
        state: ResponseState = .pending,
        decidedAt: Date? = nil
    ) {
        self.id = id
        self.petitionID = petitionID
        self.targetPosition = targetPosition
        self.bodyMarkdown = bodyMarkdown
        self.createdAt = createdAt
        self.state = state
        self.decidedAt = decidedAt
    }
}

public enum ResponseState: String, Sendable, CaseIterable {
    /// Waiting for an organizer's review: shown to nobody but the target and the organizers.
    case pending
    /// On the petition's page, and announced to the signers who asked for news.
    case approved
    /// Never shown nor sent.
    case rejected
}

/// News for the signers of a petition who asked for it, emailed a page of signers at a time.
public struct Announcement: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    /// Who is speaking, which each signer's email says in their own language before the body;
    /// `nil` for announcements stored before leads were, whose body begins with one in English.
    public var lead: Lead?
    /// The update's subject as its writer gave it; empty for a response, whose subject is its lead.
    public var subject: String
    /// Plain text: the writer's own words.
    public var body: String
    public var createdAt: Date

    public enum Lead: Sendable, Equatable {
        case update(organizer: String)
        case response(target: String)
    }

    public init(
        id: UUID = .random(), petitionID: UUID, lead: Lead?, subject: String, body: String, createdAt: Date
    ) {
        self.id = id
        self.petitionID = petitionID
        self.lead = lead
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
    }
}

public protocol TargetStore: Sendable {
    func insertTargetLink(petitionID: UUID, targetPosition: Int, tokenHash: [UInt8], at date: Date, audit: AuditEvent)
        async throws
    /// Revokes every link of the target; returns how many were live.
    func revokeTargetLinks(petitionID: UUID, targetPosition: Int, at date: Date, audit: AuditEvent) async throws -> Int
    /// The petition and target a live link opens.
    func target(forLinkHash hash: [UInt8]) async throws -> (petitionID: UUID, targetPosition: Int)?
    /// Stores a pending response with its audit event and the emails that tell the organizers,
    /// in one transaction, if the target's limits allow it.
    func insert(
        _ response: TargetResponse, within limits: ResponseLimits, audit: AuditEvent, notifying emails: [QueuedEmail]
    ) async throws
        -> ResponseAdmission
    /// Every response of the petition, in every state, oldest first.
    func responses(petitionID: UUID) async throws -> [TargetResponse]
    /// Approves or rejects a pending response, with its audit event and, for an approval, the
    /// announcement that tells the signers, in one transaction; `false` when it was not pending.
    func decide(
        responseID: UUID, petitionID: UUID, as state: ResponseState, at date: Date, by accountID: UUID,
        announcing announcement: Announcement?,
        audit: AuditEvent
    ) async throws -> Bool
}
