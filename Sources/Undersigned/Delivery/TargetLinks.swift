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
    public static func event(_ action: AuditAction, _ petition: Petition, targetPosition: Int, by actor: UUID?, at date: Date) -> AuditEvent {
        AuditEvent(
            at: date, actorID: actor, action: action, subjectType: "petition", subjectID: petition.id.text, organizationID: petition.organizationID,
            details: "target \(targetPosition + 1)")
    }
}

/// A target's public answer to a petition, posted through its private link.
public struct TargetResponse: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    public var targetPosition: Int
    /// Markdown, rendered through the sanitiser like petition texts.
    public var bodyMarkdown: String
    public var createdAt: Date

    public static let maximumLength = 20_000

    public init(id: UUID = UUID(), petitionID: UUID, targetPosition: Int, bodyMarkdown: String, createdAt: Date = Date()) {
        self.id = id
        self.petitionID = petitionID
        self.targetPosition = targetPosition
        self.bodyMarkdown = bodyMarkdown
        self.createdAt = createdAt
    }
}

/// News for the signers of a petition who asked for it, emailed a page of signers at a time.
public struct Announcement: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    public var subject: String
    /// Plain text.
    public var body: String
    public var createdAt: Date

    public init(id: UUID = UUID(), petitionID: UUID, subject: String, body: String, createdAt: Date = Date()) {
        self.id = id
        self.petitionID = petitionID
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
    }
}

public protocol TargetStore: Sendable {
    func insertTargetLink(petitionID: UUID, targetPosition: Int, tokenHash: [UInt8], at date: Date, audit: AuditEvent) async throws
    /// Revokes every link of the target; returns how many were live.
    func revokeTargetLinks(petitionID: UUID, targetPosition: Int, at date: Date, audit: AuditEvent) async throws -> Int
    /// The petition and target a live link opens.
    func target(forLinkHash hash: [UInt8]) async throws -> (petitionID: UUID, targetPosition: Int)?
    /// Stores the response and the announcement that tells the signers, in one transaction.
    func insert(_ response: TargetResponse, announcing announcement: Announcement) async throws
    func responses(petitionID: UUID) async throws -> [TargetResponse]
}
