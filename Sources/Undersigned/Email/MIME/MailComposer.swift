import Foundation

/// Turns a message into the exact text every transport delivers: MIME, then a DKIM
/// signature on top when a key is configured.
public struct MailComposer: Sendable {
    public var identity: MailIdentity
    public var dkim: DKIMSigner?
    /// Dates the DKIM signature.
    public var clock: WallClock

    public init(
        identity: MailIdentity = MailIdentity(from: Settings().mailFrom), dkim: DKIMSigner? = nil,
        clock: WallClock = .system
    ) {
        self.identity = identity
        self.dkim = dkim
        self.clock = clock
    }

    /// The message with CRLF line breaks, ending with CRLF.
    public func compose(_ message: EmailMessage) throws -> String {
        let rendered = MIMERenderer.render(message, from: identity)
        var headers = rendered.headers
        if let dkim {
            headers.insert(
                ("DKIM-Signature", try dkim.signature(headers: rendered.headers, body: rendered.body, at: clock.now)),
                at: 0)
        }
        return MIMERenderer.format(headers) + "\r\n\r\n" + rendered.body
    }
}
