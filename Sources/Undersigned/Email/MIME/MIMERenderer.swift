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
            ("Subject", MIMEEncoding.text(message.subject)),
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
        let text = part(type: "text/plain", content: message.textBody)
        guard let html = message.htmlBody else {
            return (headers + text.headers, text.body)
        }
        let boundary = "=_undersigned_\(message.id.text)"
        headers.append(("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""))
        let htmlPart = part(type: "text/html", content: html)
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

    private static func part(type: String, content: String) -> (headers: [(name: String, value: String)], body: String)
    {
        let body = MIMEEncoding.quotedPrintable(content)
        return (
            [("Content-Type", "\(type); charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")],
            body.hasSuffix("\r\n") ? body : body + "\r\n"
        )
    }
}
