/// What can go wrong while talking to an SMTP server. Only a 5xx reply to this message's
/// envelope or content is permanent: everything else (4xx, network, TLS, credentials) may
/// be fixed by waiting or by the operator, so the message is retried.
public enum SMTPError: Error, MailDeliveryError, CustomStringConvertible {
    case rejected(SMTPStep, SMTPReply)
    case connectionFailed(String)
    case connectionClosed
    case timeout
    case tls(String)
    case malformedReply
    /// The URL asks for STARTTLS and the server does not offer it: nothing is sent in clear.
    case tlsUnavailable
    case authenticationUnavailable
    /// The recipient's address is not ASCII and the server does not take SMTPUTF8.
    case internationalAddressUnsupported
    /// An address that would break the command it goes in (a line break, angle brackets).
    case invalidAddress

    public var isPermanent: Bool {
        switch self {
        case .rejected(let step, let reply): reply.isPermanentFailure && step.concernsTheMessage
        case .internationalAddressUnsupported, .invalidAddress: true
        default: false
        }
    }

    /// A refusal of this transaction by a server that still talks: the connection can go on.
    var isRejection: Bool {
        switch self {
        case .rejected(let step, _): step.concernsTheMessage
        case .internationalAddressUnsupported, .invalidAddress: true
        default: false
        }
    }

    public var replyCode: Int? {
        if case .rejected(_, let reply) = self { return reply.code }
        return nil
    }

    public var summary: String {
        switch self {
        case .rejected(let step, let reply): "\(step.rawValue) refused: \(reply.code) \(Self.redacted(reply.text))"
        case .connectionFailed(let reason): "cannot connect: \(Self.redacted(reason))"
        case .connectionClosed: "the server closed the connection"
        case .timeout: "the server did not answer in time"
        case .tls(let reason): "TLS failed: \(Self.redacted(reason))"
        case .malformedReply: "the server's reply is not SMTP"
        case .tlsUnavailable:
            "the server offers no STARTTLS, and nothing is sent in clear unless the SMTP URL says ?tls=none"
        case .authenticationUnavailable: "the server offers neither AUTH PLAIN nor AUTH LOGIN"
        case .internationalAddressUnsupported: "the server does not accept non-ASCII addresses (SMTPUTF8)"
        case .invalidAddress: "the address cannot be written in an SMTP command"
        }
    }

    public var description: String { summary }

    /// Servers often repeat the address they refuse; what is stored and logged must not.
    static func redacted(_ text: String) -> String {
        let cleaned = text.replacing(/[^\s<>()\[\],;:"']+@[^\s<>()\[\],;:"']+/, with: "[address]")
        return cleaned.count > 300 ? String(cleaned.prefix(300)) + "…" : cleaned
    }
}

/// The steps of an SMTP dialogue, named in errors.
public enum SMTPStep: String, Sendable {
    case greeting = "greeting"
    case hello = "EHLO"
    case startTLS = "STARTTLS"
    case authentication = "AUTH"
    case mailFrom = "MAIL FROM"
    case recipient = "RCPT TO"
    case data = "DATA"
    case content = "message content"
    case reset = "RSET"

    var concernsTheMessage: Bool {
        switch self {
        case .mailFrom, .recipient, .data, .content: true
        default: false
        }
    }
}
