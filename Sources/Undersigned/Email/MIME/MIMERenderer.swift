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
enum MIMERenderer {
    /// The headers, in the order they are written, and the body after the blank line.
    static func render(_ message: EmailMessage, from identity: MailIdentity) -> (
        headers: [(name: String, value: String)], body: String
    ) {
        var headers: [(name: String, value: String)] = [
            ("From", identity.from.header),
            ("To", MailAddress(name: message.toName, address: message.to).header),
        ]
        if let replyTo = identity.replyTo { headers.append(("Reply-To", replyTo.header)) }
        headers += [
            ("Subject", subjects.rendering(of: message.subject, MIMEEncoding.text)),
            ("Date", MIMEEncoding.date(message.createdAt)),
            ("Message-ID", "<\(message.id.text)@\(MIMEEncoding.headerSafe(identity.from.domain))>"),
            ("MIME-Version", "1.0"),
        ]
        if let language = message.language { headers.append(("Content-Language", MIMEEncoding.headerSafe(language))) }
        if let unsubscribe = message.listUnsubscribeURL {
            // RFC 8058: the mail client posts this body to the URL; no page to visit, no login.
            headers.append(("List-Unsubscribe", "<\(MIMEEncoding.headerSafe(unsubscribe))>"))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        let bodies = encodedBodies(message)
        let text = part(type: "text/plain", encoded: bodies.text)
        guard let html = bodies.html else {
            return (headers + text.headers, text.body)
        }
        let boundary = "=_undersigned_\(message.id.text)"
        headers.append(("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""))
        let htmlPart = part(type: "text/html", encoded: html)
        let body = [
            "This is a message in MIME format.",
            "--\(boundary)", format(text.headers), "", text.body,
            "--\(boundary)", format(htmlPart.headers), "", htmlPart.body,
            "--\(boundary)--", "",
        ].joined(separator: "\r\n")
        return (headers, body)
    }

    static func format(_ headers: [(name: String, value: String)]) -> String {
        headers.map { "\($0.name): \($0.value)" }.joined(separator: "\r\n")
    }

    /// The bodies in quoted-printable. Paragraphs are encoded one by one, which gives the same
    /// lines as encoding the whole body, since each ends a line; those many emails share are
    /// encoded once (``SharedRenderings``).
    private static func encodedBodies(_ message: EmailMessage) -> (text: String, html: String?) {
        guard case .paragraphs(let paragraphs) = message.body else {
            return (MIMEEncoding.quotedPrintable(message.textBody), message.htmlBody.map(MIMEEncoding.quotedPrintable))
        }
        let encoded = paragraphs.map { paragraph in
            self.paragraphs.rendering(of: paragraph) {
                EncodedParagraph(
                    text: MIMEEncoding.quotedPrintable($0.plainText), html: MIMEEncoding.quotedPrintable($0.htmlLine))
            }
        }
        let language = message.language.flatMap(InterfaceLanguage.init(tag:)) ?? .en
        let head = heads.rendering(of: HTMLHead(title: message.subject, language: language)) {
            MIMEEncoding.quotedPrintable(MailParagraph.htmlHead(title: $0.title, language: $0.language))
        }
        let text = encoded.map(\.text).joined(separator: "\r\n\r\n") + "\r\n"
        let html = head + "\r\n" + encoded.map(\.html).joined(separator: "\r\n") + "\r\n" + encodedHTMLFoot
        return (text, html)
    }

    private struct EncodedParagraph: Sendable {
        var text: String
        var html: String
    }

    private struct HTMLHead: Hashable, Sendable {
        var title: String
        var language: InterfaceLanguage
    }

    private static let paragraphs = SharedRenderings<MailParagraph, EncodedParagraph>()
    private static let heads = SharedRenderings<HTMLHead, String>(limit: 64)
    private static let subjects = SharedRenderings<String, String>(limit: 64)
    private static let encodedHTMLFoot = MIMEEncoding.quotedPrintable(MailParagraph.htmlFoot)

    private static func part(type: String, encoded body: String) -> (
        headers: [(name: String, value: String)], body: String
    ) {
        return (
            [("Content-Type", "\(type); charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")],
            body.hasSuffix("\r\n") ? body : body + "\r\n"
        )
    }
}
