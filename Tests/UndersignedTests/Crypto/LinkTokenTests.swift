import Crypto
import Foundation
import Testing

@testable import Undersigned

@Suite("Link tokens and sealing")
struct LinkTokenTests {
    let tokens = LinkTokens(key: SymmetricKey(size: .bits256))

    @Test("a token names its record, always the same way")
    func roundTrip() {
        let id = UUID()
        let token = tokens.token(for: id)
        #expect(tokens.id(from: token) == id)
        #expect(tokens.token(for: id) == token)
        #expect(token.count == 43)
    }

    @Test("a token from another key, or altered, names nothing")
    func forged() {
        let id = UUID()
        let other = LinkTokens(key: SymmetricKey(size: .bits256))
        #expect(tokens.id(from: other.token(for: id)) == nil)
        let token = tokens.token(for: id)
        for index in token.indices {
            var altered = token
            altered.replaceSubrange(index...index, with: token[index] == "A" ? "B" : "A")
            #expect(tokens.id(from: altered) == nil)
        }
        #expect(tokens.id(from: "") == nil)
        #expect(tokens.id(from: String(repeating: "A", count: 5000)) == nil)
        #expect(tokens.id(from: "++++") == nil)
    }

    @Test("keys are separate per purpose")
    func purposes() throws {
        let secret = try ServerSecret(String(repeating: "s", count: 40))
        #expect(secret.key(for: .csrf) != secret.key(for: .confirmationLink))
        #expect(secret.key(for: .withdrawalLink) != secret.key(for: .confirmationLink))
    }

    @Test("the secret is generated once, private to its owner, and reused")
    func generatedSecret() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try ServerSecret.load(configured: nil, dataDirectory: directory.path)
        let second = try ServerSecret.load(configured: nil, dataDirectory: directory.path)
        #expect(first.key(for: .csrf) == second.key(for: .csrf))
        let attributes = try FileManager.default.attributesOfItem(
            atPath: directory.appendingPathComponent("undersigned.secret").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: SettingsError.self) { try ServerSecret("too short") }
    }
}

@Suite("Base64url")
struct Base64URLTests {
    @Test("round-trips every length, agrees with Foundation, and accepts one spelling only")
    func roundTrip() throws {
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            let encoded = Base64URL.encode(bytes)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                    of: "=", with: "")
            #expect(encoded == foundation)
            #expect(Base64URL.decode(encoded) == bytes)
        }
        #expect(Base64URL.decode("A") == nil)
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AB") == nil, "non-zero trailing bits")
        #expect(Base64URL.decode("a+b/") == nil)
        #expect(Base64URL.decode("ab==") == nil)
    }
}
