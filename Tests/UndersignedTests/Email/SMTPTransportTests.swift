import Foundation
import NIOCore
import Testing

@testable import Undersigned

/// Sends through real SMTP servers on loopback and checks what they received.
@Suite("SMTP delivery", .enabled(if: SMTPTestServer.isAvailable, SMTPTestServer.skipReason))
struct SMTPTransportTests {
    static let identity = MailIdentity(
        from: MailAddress(name: "Undersigned", address: "no-reply@undersigned.test"),
        replyTo: MailAddress(name: "Campaign team", address: "team@undersigned.test"))

    static func message(to address: String = "signer@example.org", body: String = "Hello,\n\nPlease confirm.\n")
        -> EmailMessage
    {
        EmailMessage(
            to: address, toName: "أمل حداد", subject: "يرجى تأكيد توقيعك: Children in Syria", textBody: body,
            htmlBody: "<p>مرحبا</p>\n<p><a href=\"http://undersigned.test/confirm/x\">Confirm</a></p>\n",
            language: "ar",
            createdAt: Date(timeIntervalSince1970: 1_790_000_000))
    }

    /// - Parameter query: `?tls=none` by default, for the servers that offer no TLS; `""` to require it.
    static func transport(
        _ server: SMTPTestServer, scheme: String = "smtp", credentials: String = "", query: String = "?tls=none",
        connections: Int = 2
    ) throws -> SMTPMailTransport {
        let location = try SMTPServerLocation(url: "\(scheme)://\(credentials)127.0.0.1:\(server.port)\(query)")
        return try SMTPMailTransport(
            configuration: SMTPConfiguration(
                server: location, helloName: "undersigned.test", trustedCAFile: SMTPTestServer.certificate,
                connections: connections,
                replyTimeout: .seconds(10)),
            composer: MailComposer(identity: identity))
    }

    @Test("a plain server receives exactly the composed message, and a mail client reads it back")
    func plain() async throws {
        try await SMTPTestServer.with("accept") { server in
            let transport = try Self.transport(server)
            // Lines starting with a dot must survive the SMTP end-of-data convention.
            let message = Self.message(body: "Hello,\n.\n..two dots\n.line\nend\n")
            try await transport.send(message)
            await transport.shutdown()
            let received = try #require(server.received().first)
            #expect(received.content == Data(try MailComposer(identity: Self.identity).compose(message).utf8))
            #expect(received.mailFrom == "no-reply@undersigned.test")
            #expect(received.recipients == ["signer@example.org"])
            #expect(received.tls == false)
            let read = try await SMTPTestServer.inspect(received.file)
            #expect(read.subject == "يرجى تأكيد توقيعك: Children in Syria")
            #expect(read.to == "أمل حداد <signer@example.org>")
            #expect(read.from == "Undersigned <no-reply@undersigned.test>")
            #expect(read.replyTo == "Campaign team <team@undersigned.test>")
            #expect(read.contentType == "multipart/alternative")
            #expect(read.text == "Hello,\n.\n..two dots\n.line\nend\n")
            #expect(read.html?.contains("<p>مرحبا</p>") == true)
            #expect(read.defects.isEmpty)
        }
    }

    @Test("without PIPELINING, commands go one at a time")
    func withoutPipelining() async throws {
        try await SMTPTestServer.with("accept", ["--no-pipelining"]) { server in
            let transport = try Self.transport(server)
            try await transport.send(Self.message())
            await transport.shutdown()
            #expect(server.received().count == 1)
        }
    }

    @Test("STARTTLS with a certificate from a trusted CA file, then AUTH PLAIN")
    func startTLSAndPlain() async throws {
        try await SMTPTestServer.with(
            "accept",
            SMTPTestServer.tlsOptions + ["--starttls", "--auth", "campaign:s3cret/pw", "--auth-mechanism", "PLAIN"]
        ) {
            server in
            let transport = try Self.transport(server, credentials: "campaign:s3cret%2Fpw@", query: "")
            try await transport.send(Self.message())
            await transport.shutdown()
            let received = try #require(server.received().first)
            #expect(received.tls)
            #expect(received.login == "campaign")
        }
    }

    @Test("AUTH LOGIN when the server offers only that")
    func login() async throws {
        try await SMTPTestServer.with(
            "accept", SMTPTestServer.tlsOptions + ["--starttls", "--auth", "campaign:pw", "--auth-mechanism", "LOGIN"]
        ) {
            server in
            let transport = try Self.transport(server, credentials: "campaign:pw@", query: "")
            try await transport.send(Self.message())
            await transport.shutdown()
            #expect(server.received().first?.login == "campaign")
        }
    }

    @Test("implicit TLS (smtps)")
    func implicitTLS() async throws {
        try await SMTPTestServer.with("accept", SMTPTestServer.tlsOptions + ["--implicit-tls"]) { server in
            let transport = try Self.transport(server, scheme: "smtps", query: "")
            try await transport.send(Self.message())
            await transport.shutdown()
            #expect(server.received().first?.tls == true)
        }
    }

    @Test("an untrusted certificate is refused, and retried later rather than given up", arguments: ["smtps", "smtp"])
    func untrustedCertificate(scheme: String) async throws {
        let options = SMTPTestServer.tlsOptions + (scheme == "smtps" ? ["--implicit-tls"] : ["--starttls"])
        try await SMTPTestServer.with("accept", options) { server in
            let location = try SMTPServerLocation(url: "\(scheme)://127.0.0.1:\(server.port)")
            let transport = try SMTPMailTransport(
                configuration: SMTPConfiguration(
                    server: location, helloName: "undersigned.test", replyTimeout: .seconds(5)),
                composer: MailComposer(identity: Self.identity))
            let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.message()) }
            #expect(error.summary.hasPrefix("TLS failed"), "\(error.summary)")
            #expect(!error.isPermanent)
            #expect(server.received().isEmpty)
        }
    }

    @Test("wrong credentials fail the attempt without giving up on the message")
    func wrongPassword() async throws {
        try await SMTPTestServer.with("accept", SMTPTestServer.tlsOptions + ["--starttls", "--auth", "campaign:right"])
        { server in
            let transport = try Self.transport(server, credentials: "campaign:wrong@", query: "")
            let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.message()) }
            #expect(!error.isPermanent)
            #expect(error.replyCode == 535)
        }
    }

    @Test("smtp:// requires STARTTLS: a server without it gets nothing in clear, and the message waits to be retried")
    func startTLSRequired() async throws {
        try await SMTPTestServer.with("accept") { server in
            let transport = try Self.transport(server, query: "")
            let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.message()) }
            #expect(error.summary.contains("STARTTLS"), "\(error.summary)")
            #expect(!error.isPermanent)
            await transport.shutdown()
            #expect(server.received().isEmpty)
            #expect(server.dataOutcomes().isEmpty)
        }
    }

    @Test("?tls=none sends in clear, as the URL says, and says so when printed")
    func plainOptedIn() async throws {
        try await SMTPTestServer.with("accept") { server in
            let location = try SMTPServerLocation(url: "smtp://127.0.0.1:\(server.port)?tls=none")
            #expect("\(location)" == "smtp://127.0.0.1:\(server.port)?tls=none")
            let transport = try Self.transport(server)
            try await transport.send(Self.message())
            await transport.shutdown()
            #expect(server.received().first?.tls == false)
        }
    }

    @Test("credentials are never sent to a server without STARTTLS")
    func noCredentialsInClear() async throws {
        try await SMTPTestServer.with("accept") { server in
            let transport = try Self.transport(server, credentials: "campaign:pw@", query: "")
            await #expect(throws: SMTPError.self) { try await transport.send(Self.message()) }
            #expect(server.received().isEmpty)
        }
    }

    @Test("a batch reuses a few connections, in parallel")
    func batch() async throws {
        try await SMTPTestServer.with("accept") { server in
            let transport = try Self.transport(server, connections: 3)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<30 {
                    group.addTask { try await transport.send(Self.message(to: "batch\(index)@example.org")) }
                }
                try await group.waitForAll()
            }
            await transport.shutdown()
            let recipients = server.received().flatMap(\.recipients)
            #expect(Set(recipients) == Set((0..<30).map { "batch\($0)@example.org" }))
        }
    }

    @Test("a 5xx refusal is permanent, and its text does not keep the address")
    func refused() async throws {
        try await SMTPTestServer.with("reject") { server in
            let transport = try Self.transport(server, connections: 1)
            let error = try await #require(throws: SMTPError.self) {
                try await transport.send(Self.message(to: "gone.away@example.org"))
            }
            #expect(error.isPermanent)
            #expect(error.replyCode == 550)
            #expect(!error.summary.contains("gone.away"))
            #expect(error.summary.contains("Recipient address rejected"))
            // The refused transaction was reset: the same connection carries on.
            await #expect(throws: SMTPError.self) { try await transport.send(Self.message()) }
            await transport.shutdown()
        }
    }

    @Test("a 4xx reply is temporary")
    func temporary() async throws {
        try await SMTPTestServer.with("tempfail-once") { server in
            let transport = try Self.transport(server, connections: 1)
            let message = Self.message()
            let error = try await #require(throws: SMTPError.self) { try await transport.send(message) }
            #expect(!error.isPermanent)
            #expect(error.replyCode == 451)
            try await transport.send(message)
            await transport.shutdown()
            #expect(server.dataOutcomes() == ["451", "250"])
            #expect(server.received().count == 1)
        }
    }

    @Test("a connection dropped during DATA is a temporary failure, and the next message opens a new one")
    func dropped() async throws {
        try await SMTPTestServer.with("drop") { server in
            let transport = try Self.transport(server, connections: 1)
            let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.message()) }
            #expect(!error.isPermanent)
            await #expect(throws: SMTPError.self) { try await transport.send(Self.message()) }
            #expect(server.dataOutcomes() == ["dropped", "dropped"])
        }
    }

    @Test("an international address goes with SMTPUTF8")
    func internationalAddress() async throws {
        try await SMTPTestServer.with("accept") { server in
            let transport = try Self.transport(server, connections: 1)
            try await transport.send(Self.message(to: "أمل@example.org"))
            await transport.shutdown()
            #expect(server.received().first?.recipients == ["أمل@example.org"])
        }
    }

    @Test("an address that would inject a command is refused before anything is sent")
    func injection() async throws {
        try await SMTPTestServer.with("accept") { server in
            let transport = try Self.transport(server, connections: 1)
            let error = try await #require(throws: SMTPError.self) {
                try await transport.send(Self.message(to: "a@example.org>\r\nRCPT TO:<b@example.org"))
            }
            #expect(error.isPermanent)
            try await transport.send(Self.message())
            await transport.shutdown()
            #expect(server.received().flatMap(\.recipients) == ["signer@example.org"])
        }
    }

    @Test("a server that never answers times out, a temporary failure")
    func silent() async throws {
        try await SMTPTestServer.with("mute") { server in
            let transport = try SMTPMailTransport(
                configuration: SMTPConfiguration(
                    server: SMTPServerLocation(host: "127.0.0.1", port: server.port, security: .startTLS),
                    helloName: "undersigned.test",
                    replyTimeout: .milliseconds(300)),
                composer: MailComposer(identity: Self.identity))
            let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.message()) }
            #expect(error.summary == "the server did not answer in time")
            #expect(!error.isPermanent)
        }
    }

    @Test("nothing listening is a temporary failure")
    func unreachable() async throws {
        let location = SMTPServerLocation(host: "127.0.0.1", port: 1, security: .startTLS)
        let transport = try SMTPMailTransport(
            configuration: SMTPConfiguration(server: location, helloName: "undersigned.test"),
            composer: MailComposer(identity: Self.identity))
        let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.message()) }
        #expect(!error.isPermanent)
    }
}
