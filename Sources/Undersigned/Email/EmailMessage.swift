import Foundation

/// A plain-text email, as composed by the platform.
public struct EmailMessage: Sendable, Codable, Equatable {
    public var id: UUID
    public var to: String
    public var subject: String
    public var textBody: String
    public var createdAt: Date

    public init(id: UUID = UUID(), to: String, subject: String, textBody: String, createdAt: Date = Date()) {
        self.id = id
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.createdAt = createdAt
    }
}

/// An email waiting in the outbox; its content is sealed because it holds the recipient's
/// address and name.
public struct QueuedEmail: Sendable {
    public var id: UUID
    public var sealedMessage: [UInt8]
    public var createdAt: Date

    public init(id: UUID, sealedMessage: [UInt8], createdAt: Date) {
        self.id = id
        self.sealedMessage = sealedMessage
        self.createdAt = createdAt
    }
}
