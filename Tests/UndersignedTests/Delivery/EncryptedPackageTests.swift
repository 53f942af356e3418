import Crypto
import Foundation
import Testing

@testable import Undersigned

/// The encrypted form of delivery packages and the organization's keys, without a server.
@Suite("Encrypted packages and organization keys")
struct EncryptedPackageTests {
    private let scratch: ScratchDirectory
    var directory: URL { scratch.url }
    let key = OrganizationPrivateKey()

    init() throws {
        scratch = try ScratchDirectory(named: "encrypted-package")
    }

    @Test(
        "any size opens again, whole, in chunks; the size is known before encrypting",
        arguments: [0, 1, 999, 1000, 1001, 3000, 4567])
    func roundTrip(size: Int) async throws {
        let plain = Data((0..<size).map { _ in UInt8.random(in: 0...255) })
        let sealed = try await encrypt(plain, chunkSize: 1000)
        #expect(sealed.count == EncryptedPackage.encryptedSize(plainSize: size, chunkSize: 1000))
        #expect(sealed.prefix(22) == Data("UNDERSIGNED-PACKAGE-1\n".utf8))
        #expect(try decrypt(sealed) == plain)
    }

    @Test("the file-to-file path, as the command line uses it, with the default 1 MiB chunks")
    func files() async throws {
        let plain = Data((0..<(EncryptedPackage.chunkSize + 10)).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let source = directory.appendingPathComponent("package.zip")
        try plain.write(to: source)
        let sealed = directory.appendingPathComponent("package.zip.hpke")
        try await EncryptedPackage.encrypt(file: source, to: key.publicKey, writingTo: sealed)
        #expect(try FileManager.default.attributesOfItem(atPath: sealed.path)[.posixPermissions] as? Int == 0o600)
        let opened = directory.appendingPathComponent("opened.zip")
        try EncryptedPackage.decrypt(file: sealed, with: key, writingTo: opened)
        #expect(try Data(contentsOf: opened) == plain)
        // An existing file is never overwritten.
        #expect(throws: EncryptedPackageError.destinationExists(opened.path)) {
            try EncryptedPackage.decrypt(file: sealed, with: key, writingTo: opened)
        }
    }

    @Test("a changed, cut, extended or reordered package is refused, and nothing is written")
    func tampering() async throws {
        let plain = Data((0..<2500).map { _ in UInt8.random(in: 0...255) })
        let sealed = try await encrypt(plain, chunkSize: 1000)
        let record = 5 + 1000 + 16
        let header = EncryptedPackage.headerSize
        var flipped = sealed
        flipped[header + 5 + 10] ^= 1
        var markedLast = sealed
        markedLast[header] = 1
        var swapped = sealed
        swapped.replaceSubrange(
            header..<header + 2 * record,
            with: sealed[header + record..<header + 2 * record] + sealed[header..<header + record])
        var otherEncapsulation = sealed
        otherEncapsulation[header - 1] ^= 0x40
        var longRecord = sealed
        longRecord[header + 1] = 0xFF
        let cases: [(String, Data, EncryptedPackageError)] = [
            ("a flipped bit", flipped, .tampered),
            ("the first record marked last", markedLast, .tampered),
            ("two records swapped", swapped, .tampered),
            ("another encapsulated key", otherEncapsulation, .tampered),
            ("a record longer than allowed", longRecord, .tampered),
            ("cut at a record's end", sealed.prefix(header + record), .truncated),
            ("cut inside a record", sealed.dropLast(7), .truncated),
            ("cut inside the header", sealed.prefix(40), .truncated),
            ("cut inside the format line", sealed.prefix(10), .notAPackage),
            ("a byte after the end", sealed + [0], .trailingBytes),
            ("a plain ZIP", Data("PK\u{3}\u{4}".utf8) + plain, .notAPackage),
        ]
        for (name, bytes, expected) in cases {
            let source = directory.appendingPathComponent("\(UUID()).hpke")
            try bytes.write(to: source)
            let destination = directory.appendingPathComponent("\(UUID()).zip")
            #expect(throws: expected, "\(name)") {
                try EncryptedPackage.decrypt(file: source, with: key, writingTo: destination)
            }
            #expect(!FileManager.default.fileExists(atPath: destination.path), "\(name)")
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".partial") }
                .isEmpty)
    }

    @Test("another organization's key is told apart by fingerprint")
    func otherKey() async throws {
        let sealed = try await encrypt(Data("hello".utf8), chunkSize: 1000)
        let other = OrganizationPrivateKey()
        let source = directory.appendingPathComponent("package.zip.hpke")
        try sealed.write(to: source)
        #expect(
            throws: EncryptedPackageError.otherKey(
                packageFingerprint: key.publicKey.fingerprint, keyFingerprint: other.publicKey.fingerprint)
        ) {
            try EncryptedPackage.decrypt(
                file: source, with: other, writingTo: directory.appendingPathComponent("out.zip"))
        }
    }

    @Test("public keys are read strictly from their text form")
    func publicKeyText() throws {
        let text = key.publicKey.text
        #expect(text.hasPrefix("undersigned-x25519:") && text.count == 19 + 44)
        #expect(try OrganizationPublicKey(text: "  \(text)\r\n") == key.publicKey)
        #expect(
            key.publicKey.fingerprint == String(SHA256.hash(data: key.key.publicKey.rawRepresentation).hex.prefix(16)))
        let encoded = String(text.dropFirst(19))
        let raw = Data(base64Encoded: encoded)!
        let refused: [(String, OrganizationKeyError)] = [
            ("", .missingPrefix),
            (encoded, .missingPrefix),
            ("undersigned-ed25519:\(encoded)", .missingPrefix),
            ("undersigned-x25519:", .malformed),
            ("undersigned-x25519:\(encoded.dropLast())", .malformed),
            ("undersigned-x25519:\(raw.prefix(31).base64EncodedString())", .malformed),
            ("undersigned-x25519:\((raw + [0]).base64EncodedString())", .malformed),
            ("undersigned-x25519:\(encoded.replacingOccurrences(of: "=", with: ""))", .malformed),
            ("undersigned-x25519: \(encoded)", .malformed),
            ("undersigned-x25519:\(encoded.prefix(20)) \(encoded.dropFirst(20))", .malformed),
            ("undersigned-x25519:\(raw.base64EncodedString().dropLast(2))B=", .malformed),
            ("undersigned-x25519:\(Data(count: 32).base64EncodedString())", .unusable),
            // Other points of small order, and spellings at or above 2^255 - 19.
            ("undersigned-x25519:\(Data([1] + [UInt8](repeating: 0, count: 31)).base64EncodedString())", .unusable),
            (
                "undersigned-x25519:\(Self.bytes("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800").base64EncodedString())",
                .unusable
            ),
            (
                "undersigned-x25519:\(Self.bytes("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").base64EncodedString())",
                .unusable
            ),
            (
                "undersigned-x25519:\(Self.bytes("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").base64EncodedString())",
                .unusable
            ),
            ("undersigned-x25519:\((raw.prefix(31) + [raw[31] | 0x80]).base64EncodedString())", .unusable),
        ]
        for (text, expected) in refused {
            #expect(throws: expected, "\(text)") { try OrganizationPublicKey(text: text) }
        }
    }

    @Test("a generated private key file is the owner's alone, never replaced, and reads back")
    func privateKeyFile() throws {
        let path = directory.appendingPathComponent("org.key").path
        let generated = try OrganizationPrivateKey.generate(writingTo: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents.contains(generated.publicKey.text))
        #expect(try OrganizationPrivateKey.load(path: path).publicKey == generated.publicKey)
        #expect(throws: OrganizationKeyError.cannotCreate(path)) {
            try OrganizationPrivateKey.generate(writingTo: path)
        }
        #expect(try OrganizationPrivateKey.load(path: path).publicKey == generated.publicKey)
        #expect(throws: OrganizationKeyError.notAPrivateKeyFile) {
            try OrganizationPrivateKey(fileContents: generated.publicKey.text)
        }
    }

    // MARK: Helpers

    static func bytes(_ hex: String) -> Data {
        Data(stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! })
    }

    func encrypt(_ plain: Data, chunkSize: Int) async throws -> Data {
        let source = directory.appendingPathComponent("\(UUID()).zip")
        try plain.write(to: source)
        var sealed = Data()
        try await EncryptedPackage.encrypt(contentsOf: source, to: key.publicKey, chunkSize: chunkSize) {
            sealed.append($0)
        }
        return sealed
    }

    func decrypt(_ sealed: Data) throws -> Data {
        let source = directory.appendingPathComponent("\(UUID()).hpke")
        try sealed.write(to: source)
        let destination = directory.appendingPathComponent("\(UUID()).zip")
        try EncryptedPackage.decrypt(file: source, with: key, writingTo: destination)
        return try Data(contentsOf: destination)
    }
}
