import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import Undersigned

@Suite("DKIM")
struct DKIMTests {
    @Test("relaxed canonicalization, as in RFC 6376's example (3.4.5)")
    func canonicalization() {
        #expect(DKIMCanonicalization.header(name: "A", value: " X") == "a:X")
        #expect(DKIMCanonicalization.header(name: "B ", value: " Y\t\r\n\tZ  ") == "b:Y Z")
        #expect(DKIMCanonicalization.body(" C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n")
        #expect(DKIMCanonicalization.body("\r\n\r\n") == "")
    }

    @Test("keys load from PEM as openssl writes them; anything else is refused")
    func keys() throws {
        // A throwaway key made with `openssl genpkey -algorithm ed25519`.
        let pem = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEINSu/HWFVtsDVYOmWiIXZVzPhhCk4+Sq4pHKsZNH3g+U
            -----END PRIVATE KEY-----
            """
        let signer = try DKIMSigner(pem: pem, domain: "example.org", selector: "mail")
        guard case .ed25519 = signer.key else {
            Issue.record("not read as Ed25519")
            return
        }
        #expect(throws: SettingsError.self) {
            try DKIMSigner(pem: "not a key", domain: "example.org", selector: "mail")
        }
        #expect(throws: SettingsError.self) { try DKIMSigner(pem: pem, domain: "", selector: "mail") }
    }

    static let message = EmailMessage(
        to: "amal@example.org", toName: "أمل حداد", subject: "Confirm: أطفال سوريا",
        textBody: "Hello  there \n\n.dot line\nhttp://undersigned.test/confirm/abc\n", htmlBody: "<p>مرحبا</p>",
        language: "ar",
        listUnsubscribeURL: "https://undersigned.test/unsubscribe/x", createdAt: Date())

    static func signedMessage(with key: DKIMSigner.Key) throws -> URL {
        let composer = MailComposer(
            identity: MailIdentity(from: MailAddress(name: "Undersigned", address: "no-reply@undersigned.test")),
            dkim: DKIMSigner(key: key, domain: "undersigned.test", selector: "s2026"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID()).eml")
        try Data(try composer.compose(message).utf8).write(to: file)
        return file
    }

    @Test(
        "an Ed25519 signature (RFC 8463) verifies with dkimpy",
        .enabled(if: SMTPTestServer.isAvailable, SMTPTestServer.skipReason))
    func ed25519() async throws {
        let key = Curve25519.Signing.PrivateKey()
        let file = try Self.signedMessage(with: .ed25519(key))
        defer { try? FileManager.default.removeItem(at: file) }
        let record = "v=DKIM1; k=ed25519; p=\(key.publicKey.rawRepresentation.base64EncodedString())"
        #expect(try await SMTPTestServer.inspect(file, dkimRecord: record).dkim == true)
        // Another key's record does not verify it: the check is real.
        let other =
            "v=DKIM1; k=ed25519; p=\(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString())"
        #expect(try await SMTPTestServer.inspect(file, dkimRecord: other).dkim == false)
    }

    @Test(
        "an RSA-SHA256 signature verifies with dkimpy",
        .enabled(if: SMTPTestServer.isAvailable, SMTPTestServer.skipReason))
    func rsa() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let file = try Self.signedMessage(with: .rsa(key))
        defer { try? FileManager.default.removeItem(at: file) }
        let record = "v=DKIM1; k=rsa; p=\(key.publicKey.derRepresentation.base64EncodedString())"
        #expect(try await SMTPTestServer.inspect(file, dkimRecord: record).dkim == true)
    }

    @Test(
        "a signed message sent over SMTP still verifies where it arrives",
        .enabled(if: SMTPTestServer.isAvailable, SMTPTestServer.skipReason))
    func throughSMTP() async throws {
        let key = Curve25519.Signing.PrivateKey()
        try await SMTPTestServer.with("accept") { server in
            let transport = try SMTPMailTransport(
                configuration: SMTPConfiguration(
                    server: SMTPServerLocation(host: "127.0.0.1", port: server.port, security: .plain),
                    helloName: "undersigned.test"),
                composer: MailComposer(
                    identity: MailIdentity(from: MailAddress(address: "no-reply@undersigned.test")),
                    dkim: DKIMSigner(key: .ed25519(key), domain: "undersigned.test", selector: "s2026")))
            try await transport.send(Self.message)
            await transport.shutdown()
            let received = try #require(server.received().first)
            let record = "v=DKIM1; k=ed25519; p=\(key.publicKey.rawRepresentation.base64EncodedString())"
            #expect(try await SMTPTestServer.inspect(received.file, dkimRecord: record).dkim == true)
        }
    }
}
