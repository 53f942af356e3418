import Foundation

/// Turns a message into the exact text every transport delivers: MIME, then a DKIM
/// signature on top when a key is configured.
public struct MailComposer: Sendable {
    public var identity: MailIdentity
    public var dkim: DKIMSigner?

    public init(identity: MailIdentity = .development, dkim: DKIMSigner? = nil) {
        self.identity = identity
        self.dkim = dkim
    }

    /// The message with CRLF line breaks, ending with CRLF.
    public func compose(_ message: EmailMessage, at date: Date = Date()) throws -> String {
        let rendered = MIMERenderer.render(message, from: identity)
        var headers = rendered.headers
        if let dkim {
            headers.insert(("DKIM-Signature", try dkim.signature(headers: rendered.headers, body: rendered.body, at: date)), at: 0)
        }
        return MIMERenderer.format(headers) + "\r\n\r\n" + rendered.body
    }
}
