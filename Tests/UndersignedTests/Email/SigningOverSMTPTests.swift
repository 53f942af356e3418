import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import Undersigned

@Suite("Signing with email over SMTP", .enabled(if: SMTPTestServer.isAvailable, SMTPTestServer.skipReason))
struct SigningOverSMTPTests {
    @Test(
        "the confirmation goes through SMTP, DKIM-signed, in Arabic where the signer wrote Arabic, and its link confirms",
        arguments: TestDatabase.all)
    func signAndConfirm(database: TestDatabase) async throws {
        let key = Curve25519.Signing.PrivateKey()
        try await SMTPTestServer.with("accept") { server in
            let instance = try await TestInstance(database) { settings, directory in
                let keyFile = directory.appendingPathComponent("dkim.pem")
                try key.pemRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
                settings.mailTransport = .smtp
                settings.smtpServer = SMTPServerLocation(host: "127.0.0.1", port: server.port, security: .plain)
                settings.mailFrom = MailAddress(name: "Zero Impunity", address: "petitions@undersigned.test")
                settings.dkimKeyFile = keyFile.path
                settings.dkimSelector = "s2026"
                settings.dkimDomain = "undersigned.test"
            }
            try await instance.run { browser in
                let signed = try await browser.sign(name: "أمل حداد", email: "amal@example.org")
                #expect(signed.status == .seeOther)
                var received = server.received()
                for _ in 0..<300 where received.isEmpty {
                    try await Task.sleep(for: .milliseconds(50))
                    received = server.received()
                }
                let email = try #require(received.first)
                #expect(email.mailFrom == "petitions@undersigned.test")
                #expect(email.recipients == ["amal@example.org"])
                let record = "v=DKIM1; k=ed25519; p=\(key.publicKey.rawRepresentation.base64EncodedString())"
                let read = try await SMTPTestServer.inspect(email.file, dkimRecord: record)
                #expect(read.dkim == true)
                #expect(read.to == "أمل حداد <amal@example.org>")
                #expect(read.from == "Zero Impunity <petitions@undersigned.test>")
                #expect(read.text?.contains("Hello أمل حداد,") == true)
                #expect(read.html?.contains("<p>Hello أمل حداد,</p>") == true)
                let text = try #require(read.text)
                let match = try #require(text.firstMatch(of: /http:\/\/undersigned\.test(\/confirm\/[A-Za-z0-9_-]+)/))
                let confirmed = try await browser.confirm(String(match.output.1))
                #expect(confirmed.status == .seeOther)
                #expect(try await browser.apiCount() == 1)
            }
        }
    }
}
