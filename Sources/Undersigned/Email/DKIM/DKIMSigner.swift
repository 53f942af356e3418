import Crypto
import Foundation
import _CryptoExtras

/// Signs outgoing messages with DKIM (RFC 6376), relaxed/relaxed, with an Ed25519 key
/// (RFC 8463, `ed25519-sha256`) or an RSA key (`rsa-sha256`), so that receivers can tell
/// the mail really comes from the campaign's domain.
public struct DKIMSigner: Sendable {
    public enum Key: Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)

        var algorithm: String {
            switch self {
            case .ed25519: "ed25519-sha256"
            case .rsa: "rsa-sha256"
            }
        }
    }

    public let key: Key
    public let domain: String
    public let selector: String

    /// Headers signed when present: those that say who, what and when, and how to read it.
    static let signedHeaders = [
        "from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type", "content-language",
        "list-unsubscribe", "list-unsubscribe-post",
    ]

    public init(key: Key, domain: String, selector: String) {
        self.key = key
        self.domain = domain
        self.selector = selector
    }

    /// Reads a PEM private key: PKCS#8 Ed25519 (`openssl genpkey -algorithm ed25519`) or RSA
    /// of at least 2048 bits (`openssl genpkey -algorithm rsa`).
    public init(pem: String, domain: String, selector: String) throws {
        guard !domain.isEmpty, !selector.isEmpty else {
            throw SettingsError(description: "DKIM signing needs both a domain and a selector")
        }
        if let ed25519 = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(key: .ed25519(ed25519), domain: domain, selector: selector)
        } else if let rsa = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(key: .rsa(rsa), domain: domain, selector: selector)
        } else {
            throw SettingsError(
                description: "the DKIM key is neither an Ed25519 nor an RSA (2048 bits or more) private key in PEM")
        }
    }

    /// The value of the `DKIM-Signature` header for a message with these headers and body.
    func signature(headers: [(name: String, value: String)], body: String, at date: Date) throws -> String {
        let bodyHash = Data(SHA256.hash(data: Data(DKIMCanonicalization.body(body).utf8))).base64EncodedString()
        let present = Self.signedHeaders.compactMap { name in headers.last { $0.name.lowercased() == name } }
        let tags =
            "v=1; a=\(key.algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector);\r\n t=\(Int(date.timeIntervalSince1970)); "
            + "h=\(present.map { $0.name.lowercased() }.joined(separator: ":"));\r\n bh=\(bodyHash);\r\n b="
        // The signed data ends with this very header, its b= still empty and without a final CRLF.
        var signed = ""
        for header in present {
            signed += DKIMCanonicalization.header(name: header.name, value: header.value) + "\r\n"
        }
        signed += DKIMCanonicalization.header(name: "DKIM-Signature", value: tags)
        let digest = SHA256.hash(data: Data(signed.utf8))
        let signature: Data
        switch key {
        case .ed25519(let privateKey):
            signature = try privateKey.signature(for: Data(digest))
        case .rsa(let privateKey):
            signature = try privateKey.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation
        }
        return tags + signature.base64EncodedString()
    }
}
