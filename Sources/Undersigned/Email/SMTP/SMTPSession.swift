import Foundation
import NIOCore
import NIOSSL

/// How to reach and talk to the mail server.
public struct SMTPConfiguration: Sendable {
    public var server: SMTPServerLocation
    /// The name this client gives in EHLO: the host of the public base URL.
    public var helloName: String
    /// Trusted beside the system's certificate authorities (a private CA, or tests).
    public var trustedCAFile: String?
    public var connections: Int
    public var connectTimeout: TimeAmount
    public var replyTimeout: TimeAmount
    /// An idle connection older than this is closed rather than reused: servers drop them.
    public var maximumIdleTime: Duration

    public init(
        server: SMTPServerLocation, helloName: String, trustedCAFile: String? = nil, connections: Int = 4,
        connectTimeout: TimeAmount = .seconds(10), replyTimeout: TimeAmount = .seconds(60),
        maximumIdleTime: Duration = .seconds(30)
    ) {
        self.server = server
        self.helloName = helloName
        self.trustedCAFile = trustedCAFile
        self.connections = max(1, connections)
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.maximumIdleTime = maximumIdleTime
    }

    func makeTLSContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let trustedCAFile { tls.additionalTrustRoots = [.file(trustedCAFile)] }
        return try NIOSSLContext(configuration: tls)
    }
}

/// A connection that has said hello, secured itself and logged in: it sends one message
/// after another.
struct SMTPSession: Sendable {
    let channel: SMTPChannel
    let capabilities: SMTPCapabilities

    static func open(_ configuration: SMTPConfiguration, tls: NIOSSLContext) async throws -> SMTPSession {
        let server = configuration.server
        let channel = try await SMTPChannel.connect(
            host: server.host, port: server.port, tls: server.security == .implicitTLS ? tls : nil,
            connectTimeout: configuration.connectTimeout, replyTimeout: configuration.replyTimeout)
        do {
            try expect(try await channel.reply(), 220, at: .greeting)
            var capabilities = try await hello(channel, as: configuration.helloName)
            if server.security == .startTLS {
                // Required, never merely tried: a server (or someone in the way) that does not
                // offer STARTTLS gets no message in clear, and the message waits for a retry.
                guard capabilities.has("STARTTLS") else { throw SMTPError.tlsUnavailable }
                try expect(try await channel.command("STARTTLS"), 220, at: .startTLS)
                try await channel.startTLS(tls, host: server.host)
                // What the server said before TLS may have been tampered with: ask again.
                capabilities = try await hello(channel, as: configuration.helloName)
            }
            if let credentials = server.credentials {
                try await authenticate(
                    channel, capabilities: capabilities, username: credentials.username, password: credentials.password)
            }
            return SMTPSession(channel: channel, capabilities: capabilities)
        } catch {
            await channel.close()
            throw error
        }
    }

    var isActive: Bool { channel.isActive }

    /// One transaction: envelope and content. With PIPELINING the envelope and DATA go in one
    /// write and their replies are read after (RFC 2920), one round trip instead of three.
    func send(from sender: String, to recipient: String, message: String) async throws {
        // Checked before anything is written: such an address would smuggle in a command.
        for address in [sender, recipient] where address.contains(where: { $0.isNewline || $0 == "<" || $0 == ">" }) {
            throw SMTPError.invalidAddress
        }
        let international = !recipient.unicodeScalars.allSatisfy(\.isASCII)
        if international, !capabilities.has("SMTPUTF8") { throw SMTPError.internationalAddressUnsupported }
        let mail = "MAIL FROM:<\(sender)>" + (international ? " SMTPUTF8" : "")
        let recipientCommand = "RCPT TO:<\(recipient)>"
        var refusal: SMTPError?
        let dataReply: SMTPReply
        if capabilities.has("PIPELINING") {
            try await channel.write("\(mail)\r\n\(recipientCommand)\r\nDATA\r\n")
            let mailReply = try await channel.reply()
            let recipientReply = try await channel.reply()
            dataReply = try await channel.reply()
            if mailReply.code != 250 {
                refusal = .rejected(.mailFrom, mailReply)
            } else if !(250...251).contains(recipientReply.code) {
                refusal = .rejected(.recipient, recipientReply)
            }
        } else {
            try Self.expect(try await channel.command(mail), 250, at: .mailFrom)
            let recipientReply = try await channel.command(recipientCommand)
            guard (250...251).contains(recipientReply.code) else {
                throw SMTPError.rejected(.recipient, recipientReply)
            }
            dataReply = try await channel.command("DATA")
        }
        guard dataReply.code == 354 else { throw refusal ?? SMTPError.rejected(.data, dataReply) }
        if let refusal {
            // The server wants content for an envelope it refused: end it empty.
            _ = try await channel.command(".")
            throw refusal
        }
        try await channel.write(Self.dotStuffed(message))
        try Self.expect(try await channel.reply(), 250, at: .content)
    }

    /// Ends a refused transaction so the connection can carry the next message.
    func reset() async throws {
        try Self.expect(try await channel.command("RSET"), 250, at: .reset)
    }

    func quit() async {
        _ = try? await channel.command("QUIT")
        await channel.close()
    }

    func close() async {
        await channel.close()
    }

    /// The content with CRLF line ends, a dot doubled at the start of any line (RFC 5321,
    /// 4.5.2), and the terminating `.` line.
    static func dotStuffed(_ message: String) -> ByteBuffer {
        var message = message
        return message.withUTF8 { bytes in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(bytes.count + 64)
            // The runs between the bytes that need one added before them are copied whole.
            var runStart = 0
            var atLineStart = true
            for index in bytes.indices {
                let byte = bytes[index]
                let added: UInt8? =
                    if byte == UInt8(ascii: "\n"), index == 0 || bytes[index - 1] != UInt8(ascii: "\r") {
                        UInt8(ascii: "\r")
                    } else if atLineStart, byte == UInt8(ascii: ".") {
                        UInt8(ascii: ".")
                    } else {
                        nil
                    }
                if let added {
                    buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    buffer.writeInteger(added)
                    runStart = index
                }
                atLineStart = byte == UInt8(ascii: "\n")
            }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart...]))
            if !atLineStart { buffer.writeString("\r\n") }
            buffer.writeString(".\r\n")
            return buffer
        }
    }

    private static func hello(_ channel: SMTPChannel, as name: String) async throws -> SMTPCapabilities {
        let reply = try await channel.command("EHLO \(name)")
        try expect(reply, 250, at: .hello)
        return SMTPCapabilities(ehloReply: reply)
    }

    private static func authenticate(
        _ channel: SMTPChannel, capabilities: SMTPCapabilities, username: String, password: String
    ) async throws {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if capabilities.authenticationMechanisms.contains("PLAIN") {
            try expect(
                try await channel.command("AUTH PLAIN \(base64("\0\(username)\0\(password)"))"), 235,
                at: .authentication)
        } else if capabilities.authenticationMechanisms.contains("LOGIN") {
            try expect(try await channel.command("AUTH LOGIN"), 334, at: .authentication)
            try expect(try await channel.command(base64(username)), 334, at: .authentication)
            try expect(try await channel.command(base64(password)), 235, at: .authentication)
        } else {
            throw SMTPError.authenticationUnavailable
        }
    }

    private static func expect(_ reply: SMTPReply, _ code: Int, at step: SMTPStep) throws {
        guard reply.code == code else { throw SMTPError.rejected(step, reply) }
    }
}

/// What a server offers in its EHLO reply: `PIPELINING`, `STARTTLS`, `AUTH PLAIN LOGIN`…
struct SMTPCapabilities: Sendable {
    private var keywords: Set<String> = []
    private(set) var authenticationMechanisms: Set<String> = []

    init(ehloReply: SMTPReply) {
        // The first line greets; each further line is a keyword and its parameters.
        for line in ehloReply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            keywords.insert(keyword)
            if keyword == "AUTH" { authenticationMechanisms.formUnion(words.dropFirst()) }
        }
    }

    func has(_ keyword: String) -> Bool {
        keywords.contains(keyword)
    }
}
