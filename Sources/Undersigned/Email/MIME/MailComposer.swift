import Foundation

/// Turns a message into the exact text every transport delivers: MIME, then a DKIM
/// signature on top when a key is configured.
public struct MailComposer: Sendable {
    public let identity: MailIdentity
    public var dkim: DKIMSigner?
    /// Dates the DKIM signature.
    public var clock: WallClock
    private let sender: MIMERenderer.Sender

    public init(
        identity: MailIdentity = MailIdentity(from: Settings().mailFrom), dkim: DKIMSigner? = nil,
        clock: WallClock = .system
    ) {
        self.identity = identity
        self.sender = MIMERenderer.Sender(identity)
        self.dkim = dkim
        self.clock = clock
    }

    /// The message with CRLF line breaks, ending with CRLF.
    public func compose(_ message: EmailMessage) throws -> String {
        let rendered = MIMERenderer.render(message, from: sender)
        var headers = rendered.headers
        if let dkim {
            headers.insert(
                ("DKIM-Signature", try dkim.signature(headers: rendered.headers, body: rendered.body, at: clock.now)),
                at: 0)
        }
        var text = MIMEWriter(
            capacity: headers.reduce(rendered.body.utf8.count + 4) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        )
        text.write(headers)
        text.write("\r\n\r\n")
        text.write(rendered.body)
        return text.text
    }
}
