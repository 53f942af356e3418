import Foundation

/// A plain-text email, as composed by the platform.
public struct EmailMessage: Sendable, Equatable, SealableRecord {
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

    public var sealedFields: [String] { [id.uuidString, to, subject, textBody, String(createdAt.millis)] }

    public init(sealedFields fields: [String]) throws {
        guard fields.count == 5, let id = UUID(uuidString: fields[0]), let millis = Int64(fields[4]) else {
            throw PersonalDataSealer.SealingError.malformed
        }
        self.init(id: id, to: fields[1], subject: fields[2], textBody: fields[3], createdAt: Date(millis: millis))
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
