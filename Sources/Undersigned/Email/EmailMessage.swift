import Foundation

/// An email as composed by the platform: plain text, with an HTML alternative.
public struct EmailMessage: Sendable, Equatable, SealableRecord {
    public var id: UUID
    public var to: String
    /// The recipient's name, shown beside the address.
    public var toName: String?
    public var subject: String
    public var body: Body
    /// BCP 47 tag of the language the message is written in.
    public var language: String?
    /// Where a one-click unsubscribe (RFC 8058) is posted, on emails sent to lists.
    public var listUnsubscribeURL: String?
    public var createdAt: Date

    public enum Body: Sendable, Equatable {
        /// Rendered as text and as HTML when the email is sent: the outbox keeps the words once,
        /// not twice and the markup.
        case paragraphs([MailParagraph])
        /// Bodies already rendered, as earlier versions queued them.
        case rendered(text: String, html: String?)
    }

    /// Without an `id`, one ordered by `createdAt`: the outbox's index takes emails by the
    /// thousand.
    public init(
        id: UUID? = nil, to: String, toName: String? = nil, subject: String, paragraphs: [MailParagraph],
        language: InterfaceLanguage, listUnsubscribeURL: String? = nil, createdAt: Date
    ) {
        self.init(
            id: id, to: to, toName: toName, subject: subject, body: .paragraphs(paragraphs), language: language.code,
            listUnsubscribeURL: listUnsubscribeURL, createdAt: createdAt)
    }

    public init(
        id: UUID? = nil, to: String, toName: String? = nil, subject: String, textBody: String,
        htmlBody: String? = nil,
        language: String? = nil, listUnsubscribeURL: String? = nil, createdAt: Date
    ) {
        self.init(
            id: id, to: to, toName: toName, subject: subject, body: .rendered(text: textBody, html: htmlBody),
            language: language, listUnsubscribeURL: listUnsubscribeURL, createdAt: createdAt)
    }

    private init(
        id: UUID?, to: String, toName: String?, subject: String, body: Body, language: String?,
        listUnsubscribeURL: String?, createdAt: Date
    ) {
        self.id = id ?? .timeOrdered(at: createdAt)
        self.to = to
        self.toName = toName
        self.subject = subject
        self.body = body
        self.language = language
        self.listUnsubscribeURL = listUnsubscribeURL
        self.createdAt = createdAt
    }

    public var textBody: String {
        switch body {
        case .paragraphs(let paragraphs): MailParagraph.text(paragraphs)
        case .rendered(let text, _): text
        }
    }

    /// The same content as HTML; the text body stays for clients that show only text.
    public var htmlBody: String? {
        switch body {
        case .paragraphs(let paragraphs):
            MailParagraph.html(
                paragraphs, title: subject, language: language.flatMap(InterfaceLanguage.init(tag:)) ?? .en)
        case .rendered(_, let html): html
        }
    }

    /// Nine fields, the bodies among them; for paragraphs, the bodies are empty and a marker
    /// follows, then each paragraph: "text" and its words, or "link", its address and label.
    public var sealedFields: [String] {
        let (millis, name, language, unsubscribe) = (
            String(createdAt.millis), toName ?? "", self.language ?? "", listUnsubscribeURL ?? ""
        )
        switch body {
        case .rendered(let text, let html):
            return [id.text, to, subject, text, millis, name, html ?? "", language, unsubscribe]
        case .paragraphs(let paragraphs):
            var fields = [id.text, to, subject, "", millis, name, "", language, unsubscribe, Self.paragraphsMarker]
            fields.reserveCapacity(fields.count + 3 * paragraphs.count)
            for paragraph in paragraphs {
                switch paragraph {
                case .text(let text):
                    fields.append(Self.textMarker)
                    fields.append(text)
                case .link(let url, let label):
                    fields.append(Self.linkMarker)
                    fields.append(url)
                    fields.append(label)
                }
            }
            return fields
        }
    }

    private static let paragraphsMarker = "paragraphs"
    private static let textMarker = "text"
    private static let linkMarker = "link"

    /// Reads the five fields of plain-text messages queued by earlier versions, the nine of
    /// rendered ones, and those with paragraphs.
    public init(sealedFields fields: [String]) throws {
        guard fields.count == 5 || fields.count >= 9, let id = UUID(hyphenatedHex: fields[0]),
            let millis = Int64(fields[4])
        else {
            throw PersonalDataSealer.SealingError.malformed
        }
        func optional(_ index: Int) -> String? {
            index < fields.count && !fields[index].isEmpty ? fields[index] : nil
        }
        let body: Body
        if fields.count == 5 || fields.count == 9 {
            body = .rendered(text: fields[3], html: optional(6))
        } else {
            guard fields[9] == Self.paragraphsMarker else { throw PersonalDataSealer.SealingError.malformed }
            body = .paragraphs(try Self.paragraphs(from: fields[10...]))
        }
        self.init(
            id: id, to: fields[1], toName: optional(5), subject: fields[2], body: body, language: optional(7),
            listUnsubscribeURL: optional(8), createdAt: Date(millis: millis))
    }

    private static func paragraphs(from fields: ArraySlice<String>) throws -> [MailParagraph] {
        var paragraphs: [MailParagraph] = []
        var rest = fields
        while let marker = rest.popFirst() {
            switch marker {
            case textMarker:
                guard let text = rest.popFirst() else { throw PersonalDataSealer.SealingError.malformed }
                paragraphs.append(.text(text))
            case linkMarker:
                guard let url = rest.popFirst(), let label = rest.popFirst() else {
                    throw PersonalDataSealer.SealingError.malformed
                }
                paragraphs.append(.link(url, label: label))
            default:
                throw PersonalDataSealer.SealingError.malformed
            }
        }
        return paragraphs
    }
}

/// An email waiting in the outbox; its content is sealed because it holds the recipient's
/// address and name.
public struct QueuedEmail: Sendable {
    public var id: UUID
    /// The sealed message; for a signer's email, the signature's sealed personal data.
    public var sealedMessage: [UInt8]
    public var createdAt: Date
    /// The message as composed, never stored: an email handed over to this instance's outbox
    /// worker (``OutboxHandover``) goes out from it without its seal being opened again.
    public var message: EmailMessage?
    /// A new signer's name, address and language, never stored: their confirmation request,
    /// handed over, is written from them without the sealed copy being opened.
    public var signer: PersonalData?
    /// Set when this is a signer's confirmation request or receipt, written when sent
    /// (``SignerEmailWriter``).
    public var signerEmail: QueuedSignerEmail?
    /// Set when this is news (an update, a target's response) for the signer of this signature:
    /// it is dropped if the signature stops counting, its signer unsubscribes or its data is
    /// purged before it goes.
    public var newsFor: UUID?

    public init(
        id: UUID, sealedMessage: [UInt8], createdAt: Date, message: EmailMessage? = nil,
        signer: PersonalData? = nil, signerEmail: QueuedSignerEmail? = nil, newsFor: UUID? = nil
    ) {
        self.id = id
        self.sealedMessage = sealedMessage
        self.createdAt = createdAt
        self.message = message
        self.signer = signer
        self.signerEmail = signerEmail
        self.newsFor = newsFor
    }
}

/// The outbox's part of a transaction: the emails it queues, `leased` claimed by this
/// instance until `leaseUntil` (``OutboxHandover``), the others left for any outbox worker to
/// claim; and the ids of emails `sent`, whose rows it deletes (``OutboxHandover/takeSentForCommit()``).
public struct OutgoingEmails: Sendable {
    public var claimable: [QueuedEmail]
    public var leased: [QueuedEmail]
    public var leaseUntil: Date
    public var sent: [UUID]

    public init(
        claimable: [QueuedEmail] = [], leased: [QueuedEmail] = [], leaseUntil: Date = .distantPast, sent: [UUID] = []
    ) {
        self.claimable = claimable
        self.leased = leased
        self.leaseUntil = leaseUntil
        self.sent = sent
    }

    /// Whether no email is queued.
    public var isEmpty: Bool { claimable.isEmpty && leased.isEmpty }

    /// Whether the outbox is left as it is.
    var changesNothing: Bool { isEmpty && sent.isEmpty }

    /// Those queued about one of the signatures `ids` names (``QueuedEmail/signerEmail``), and
    /// all of those sent.
    func about(signatures ids: Set<UUID>) -> OutgoingEmails {
        let isAbout = { (email: QueuedEmail) in email.signerEmail.map { ids.contains($0.signatureID) } ?? false }
        return OutgoingEmails(
            claimable: claimable.filter(isAbout), leased: leased.filter(isAbout), leaseUntil: leaseUntil, sent: sent)
    }
}
