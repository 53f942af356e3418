import Foundation

/// An email as composed by the platform: plain text, with an optional HTML alternative.
public struct EmailMessage: Sendable, Equatable, SealableRecord {
    public var id: UUID
    public var to: String
    /// The recipient's name, shown beside the address.
    public var toName: String?
    public var subject: String
    public var textBody: String
    /// The same content as HTML; the text body stays for clients that show only text.
    public var htmlBody: String?
    /// BCP 47 tag of the language the message is written in.
    public var language: String?
    /// Where a one-click unsubscribe (RFC 8058) is posted, on emails sent to lists.
    public var listUnsubscribeURL: String?
    public var createdAt: Date

    /// Without an `id`, one ordered by `createdAt`: the outbox's index takes emails by the
    /// thousand.
    public init(
        id: UUID? = nil, to: String, toName: String? = nil, subject: String, textBody: String,
        htmlBody: String? = nil,
        language: String? = nil, listUnsubscribeURL: String? = nil, createdAt: Date
    ) {
        self.id = id ?? .timeOrdered(at: createdAt)
        self.to = to
        self.toName = toName
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.language = language
        self.listUnsubscribeURL = listUnsubscribeURL
        self.createdAt = createdAt
    }

    public var sealedFields: [String] {
        [
            id.text, to, subject, textBody, String(createdAt.millis),
            toName ?? "", htmlBody ?? "", language ?? "", listUnsubscribeURL ?? "",
        ]
    }

    /// Reads both the five fields of plain-text messages queued by earlier versions and the
    /// nine of today's.
    public init(sealedFields fields: [String]) throws {
        guard fields.count == 5 || fields.count == 9, let id = UUID(hyphenatedHex: fields[0]),
            let millis = Int64(fields[4])
        else {
            throw PersonalDataSealer.SealingError.malformed
        }
        func optional(_ index: Int) -> String? {
            index < fields.count && !fields[index].isEmpty ? fields[index] : nil
        }
        self.init(
            id: id, to: fields[1], toName: optional(5), subject: fields[2], textBody: fields[3], htmlBody: optional(6),
            language: optional(7), listUnsubscribeURL: optional(8), createdAt: Date(millis: millis))
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
