import NIOCore
import Testing

@testable import Undersigned

@Suite("SMTP replies and settings")
struct SMTPProtocolTests {
    @Test("multi-line replies are read whole; partial lines wait for more bytes")
    func replies() throws {
        var parser = SMTPReplyParser()
        var buffer = ByteBuffer(
            string: "220 ready\r\n250-mail.test\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n354 go")
        let replies = try parser.parse(&buffer)
        #expect(
            replies == [
                SMTPReply(code: 220, lines: ["ready"]),
                SMTPReply(code: 250, lines: ["mail.test", "PIPELINING", "AUTH PLAIN LOGIN"]),
            ])
        #expect(buffer.readableBytes == 6)
        var rest = ByteBuffer(string: " ahead\n")
        buffer.writeBuffer(&rest)
        #expect(try parser.parse(&buffer) == [SMTPReply(code: 354, lines: ["go ahead"])])
        let capabilities = SMTPCapabilities(ehloReply: replies[1])
        #expect(capabilities.has("PIPELINING"))
        #expect(capabilities.authenticationMechanisms == ["PLAIN", "LOGIN"])
    }

    @Test(
        "garbage, mixed codes and endless lines are refused",
        arguments: ["hello\r\n", "250-a\r\n251 b\r\n", "25\r\n", "999 x\r\n", "250?x\r\n"])
    func malformed(text: String) {
        var parser = SMTPReplyParser()
        var buffer = ByteBuffer(string: text)
        #expect(throws: SMTPReplyParser.Failure.self) { try parser.parse(&buffer) }
    }

    @Test("an endless line is refused")
    func endless() {
        var parser = SMTPReplyParser()
        var buffer = ByteBuffer(string: "250 " + String(repeating: "x", count: 5000))
        #expect(throws: SMTPReplyParser.Failure.self) { try parser.parse(&buffer) }
    }

    @Test("SMTP URLs: schemes, default ports, percent-decoded credentials that are never printed")
    func locations() throws {
        let submission = try SMTPServerLocation(url: "smtp://user%40example.org:p%3Ass@mail.example.org")
        #expect(
            submission
                == SMTPServerLocation(
                    host: "mail.example.org", port: 587, security: .startTLS, username: "user@example.org",
                    password: "p:ss"))
        #expect(!"\(submission)".contains("p:ss"))
        #expect(try SMTPServerLocation(url: "smtps://mail.example.org").port == 465)
        #expect(try SMTPServerLocation(url: "smtp://127.0.0.1:2525").credentials == nil)
        #expect(try SMTPServerLocation(url: "smtp://mail.example.org").security.rawValue == "startTLS")
        #expect(try SMTPServerLocation(url: "smtp://mail.example.org?tls=starttls").security.rawValue == "startTLS")
        #expect(try SMTPServerLocation(url: "smtp://127.0.0.1:2525?tls=none").security.rawValue == "plain")
        // Credentials never go in clear; a query that is not understood is not ignored.
        for bad in [
            "http://x", "smtp://", "smtp://user@host", "smtp://h:0", "smtp://u:p@h?tls=none", "smtps://h?tls=none",
            "smtp://h?tls=off",
            "smtp://h?tls=none&tls=starttls", "smtp://h?verify=none",
        ] {
            #expect(throws: SettingsError.self) { try SMTPServerLocation(url: bad) }
        }
    }

    @Test("server text that repeats an address is redacted")
    func redaction() {
        let error = SMTPError.rejected(
            .recipient,
            SMTPReply(code: 550, lines: ["5.1.1 <amal.h+x@example.org>: unknown", "user amal.h+x@example.org"]))
        #expect(error.summary == "RCPT TO refused: 550 5.1.1 <[address]>: unknown user [address]")
        #expect(error.isPermanent)
        #expect(!SMTPError.rejected(.authentication, SMTPReply(code: 535, lines: ["bad"])).isPermanent)
        #expect(!SMTPError.rejected(.recipient, SMTPReply(code: 450, lines: ["busy"])).isPermanent)
    }
}
