import Foundation

/// Who the platform's emails come from.
public struct MailIdentity: Sendable, Equatable {
    public var from: MailAddress
    public var replyTo: MailAddress?

    public init(from: MailAddress, replyTo: MailAddress? = nil) {
        self.from = from
        self.replyTo = replyTo
    }
}

/// Renders a message as RFC 5322 / MIME text with CRLF line breaks: every transport sends
/// exactly these bytes, so the `.eml` files of development are what SMTP delivers.
///
/// Every email a signer gets passes here, most of them while people sign, so each is written
/// into bytes reserved at its size, and what many share is encoded once.
enum MIMERenderer {
    /// The header values that an identity gives every message, encoded once.
    struct Sender: Sendable {
        let from: String
        let replyTo: String?
        let messageIDDomain: String

        init(_ identity: MailIdentity) {
            from = identity.from.header
            replyTo = identity.replyTo?.header
            messageIDDomain = MIMEEncoding.headerSafe(identity.from.domain)
        }
    }

    /// The headers, in the order they are written, and the body after the blank line.
    static func render(_ message: EmailMessage, from sender: Sender) -> (
        headers: [(name: String, value: String)], body: String
    ) {
        var headers: [(name: String, value: String)] = [
            ("From", sender.from),
            ("To", MailAddress(name: message.toName, address: message.to).header),
        ]
        headers.reserveCapacity(12)
        if let replyTo = sender.replyTo { headers.append(("Reply-To", replyTo)) }
        headers.append(("Subject", subjects.rendering(of: ExactText(message.subject)) { MIMEEncoding.text($0.first) }))
        headers.append(("Date", MIMEEncoding.date(message.createdAt)))
        headers.append(("Message-ID", "<\(message.id.text)@\(sender.messageIDDomain)>"))
        headers.append(("MIME-Version", "1.0"))
        if let language = message.language { headers.append(("Content-Language", MIMEEncoding.headerSafe(language))) }
        if let unsubscribe = message.listUnsubscribeURL {
            // RFC 8058: the mail client posts this body to the URL; no page to visit, no login.
            headers.append(("List-Unsubscribe", "<\(MIMEEncoding.headerSafe(unsubscribe))>"))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        let bodies = encodedBodies(message)
        guard let html = bodies.html else {
            headers += textPartHeaders
            return (headers, ensuringLineBreak(bodies.text))
        }
        let boundary = "=_undersigned_\(message.id.text)"
        headers.append(("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""))
        var body = MIMEWriter(capacity: bodies.text.utf8.count + html.utf8.count + 4 * boundary.utf8.count + 300)
        body.write("This is a message in MIME format.\r\n")
        for (partHeaders, encoded) in [(textPartHeaders, bodies.text), (htmlPartHeaders, html)] {
            body.write("--")
            body.write(boundary)
            body.write("\r\n")
            body.write(partHeaders)
            body.write("\r\n\r\n")
            body.write(encoded)
            // The part's own last line break, then the one that belongs to the next boundary.
            body.write(encoded.hasSuffix("\r\n") ? "\r\n" : "\r\n\r\n")
        }
        body.write("--")
        body.write(boundary)
        body.write("--\r\n")
        return (headers, body.text)
    }

    /// The bodies in quoted-printable. Paragraphs are encoded one by one, which gives the same
    /// lines as encoding the whole body, since each ends a line; those many emails share are
    /// encoded once (``SharedRenderings``).
    private static func encodedBodies(_ message: EmailMessage) -> (text: String, html: String?) {
        guard case .paragraphs(let paragraphs) = message.body else {
            return (MIMEEncoding.quotedPrintable(message.textBody), message.htmlBody.map(MIMEEncoding.quotedPrintable))
        }
        let encoded = paragraphs.map { paragraph in
            self.paragraphs.rendering(of: ExactText(paragraph)) { _ in
                EncodedParagraph(
                    text: MIMEEncoding.quotedPrintable(paragraph.plainText),
                    html: MIMEEncoding.quotedPrintable(paragraph.htmlLine))
            }
        }
        let language = message.language.flatMap(InterfaceLanguage.init(tag:)) ?? .en
        let head = heads.rendering(of: ExactText(message.subject, language.code)) {
            MIMEEncoding.quotedPrintable(MailParagraph.htmlHead(title: $0.first, language: language))
        }
        var text = MIMEWriter(capacity: encoded.reduce(2) { $0 + $1.text.utf8.count + 4 })
        var html = MIMEWriter(
            capacity: encoded.reduce(head.utf8.count + encodedHTMLFoot.utf8.count + 4) { $0 + $1.html.utf8.count + 2 })
        html.write(head)
        for (index, paragraph) in encoded.enumerated() {
            if index > 0 { text.write("\r\n\r\n") }
            text.write(paragraph.text)
            html.write("\r\n")
            html.write(paragraph.html)
        }
        text.write("\r\n")
        html.write("\r\n")
        html.write(encodedHTMLFoot)
        return (text.text, html.text)
    }

    private struct EncodedParagraph: Sendable {
        var text: String
        var html: String
    }

    private static let paragraphs = SharedRenderings<ExactText, EncodedParagraph>()
    private static let heads = SharedRenderings<ExactText, String>(limit: 64)
    private static let subjects = SharedRenderings<ExactText, String>(limit: 64)
    private static let encodedHTMLFoot = MIMEEncoding.quotedPrintable(MailParagraph.htmlFoot)

    private static let textPartHeaders = partHeaders(type: "text/plain")
    private static let htmlPartHeaders = partHeaders(type: "text/html")

    private static func partHeaders(type: String) -> [(name: String, value: String)] {
        [("Content-Type", "\(type); charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")]
    }

    private static func ensuringLineBreak(_ body: String) -> String {
        body.hasSuffix("\r\n") ? body : body + "\r\n"
    }
}

/// A message's text as it is written, in bytes: appending to a `String` costs some hundred
/// instructions beyond the copy each time, and a message is written in a hundred pieces.
struct MIMEWriter {
    private var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func write(_ piece: String) {
        bytes.append(contentsOf: piece.utf8)
    }

    /// Headers one a line, without a line break after the last.
    mutating func write(_ headers: [(name: String, value: String)]) {
        for (index, header) in headers.enumerated() {
            if index > 0 { write("\r\n") }
            write(header.name)
            write(": ")
            write(header.value)
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Up to two strings and a tag, equal when their UTF-8 bytes are: the key of a shared
/// rendering. `String`'s own equality is Unicode's canonical equivalence, and its hash
/// normalizes the text first, which for Arabic cost more than encoding it; and what is
/// encoded are bytes, so two texts that differ in their bytes must not share one encoding.
struct ExactText: Hashable, Sendable {
    let tag: UInt8
    let first: String
    let second: String

    init(_ first: String, _ second: String = "", tag: UInt8 = 0) {
        self.tag = tag
        self.first = first
        self.second = second
    }

    init(_ paragraph: MailParagraph) {
        switch paragraph {
        case .text(let text): self.init(text)
        case .link(let url, let label): self.init(url, label, tag: 1)
        }
    }

    static func == (lhs: ExactText, rhs: ExactText) -> Bool {
        lhs.tag == rhs.tag && sameBytes(lhs.first, rhs.first) && sameBytes(lhs.second, rhs.second)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(tag)
        Self.combine(first, into: &hasher)
        Self.combine(second, into: &hasher)
    }

    private static func combine(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
    }

    private static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        var (lhs, rhs) = (lhs, rhs)
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                guard left.count == right.count, let leftBytes = left.baseAddress, let rightBytes = right.baseAddress
                else { return left.count == right.count }
                return memcmp(leftBytes, rightBytes, left.count) == 0
            }
        }
    }
}
