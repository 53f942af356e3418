import Crypto
import Foundation

/// An organization's X25519 public key: its delivery packages are encrypted to it, and only
/// the organization, holding the private key offline, can open them.
///
/// Its text form, as owners paste it, is `undersigned-x25519:` followed by the standard
/// base64 (with padding) of the key's 32 raw bytes.
public struct OrganizationPublicKey: Sendable, Equatable {
    public static let textPrefix = "undersigned-x25519:"

    public let key: Curve25519.KeyAgreement.PublicKey

    public init(rawRepresentation: [UInt8]) throws(OrganizationKeyError) {
        guard rawRepresentation.count == 32,
            let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: rawRepresentation)
        else {
            throw .malformed
        }
        guard Self.isCanonical(rawRepresentation), Self.hasLargeOrder(key) else { throw .unusable }
        self.key = key
    }

    /// Below 2^255 - 19, as every X25519 implementation writes its public keys: another
    /// spelling of the same point is refused rather than stored.
    private static func isCanonical(_ raw: [UInt8]) -> Bool {
        guard raw[31] & 0x80 == 0 else { return false }
        let atLeastPrime = raw[31] == 0x7F && raw[1...30].allSatisfy { $0 == 0xFF } && raw[0] >= 0xED
        return !atLeastPrime
    }

    /// A point of small order gives every sender the same all-zero shared secret, which
    /// anyone could compute: packages "encrypted" to it would be readable by all. HPKE here
    /// does not check for it, so agreeing once with a throwaway key does.
    private static func hasLargeOrder(_ key: Curve25519.KeyAgreement.PublicKey) -> Bool {
        guard let secret = try? Curve25519.KeyAgreement.PrivateKey().sharedSecretFromKeyAgreement(with: key) else {
            return false
        }
        return secret.withUnsafeBytes { $0.contains { $0 != 0 } }
    }

    /// The public half of a private key made here: clamped, never of low order.
    fileprivate init(_ key: Curve25519.KeyAgreement.PublicKey) {
        self.key = key
    }

    /// Reads the text form strictly: the prefix, then canonical base64 of exactly 32 bytes.
    /// Spaces and line breaks around it (as a paste brings) are ignored.
    public init(text: String) throws(OrganizationKeyError) {
        let trimmed = text.trimmed()
        guard trimmed.hasPrefix(Self.textPrefix) else { throw .missingPrefix }
        let encoded = String(trimmed.dropFirst(Self.textPrefix.count))
        guard let raw = Data(base64Encoded: encoded), raw.count == 32, raw.base64EncodedString() == encoded else {
            throw .malformed
        }
        try self.init(rawRepresentation: Array(raw))
    }

    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    public var text: String { Self.textPrefix + key.rawRepresentation.base64EncodedString() }

    /// The first 16 hex digits of the SHA-256 of the raw key: short enough to read aloud
    /// when an owner checks that the key on the page is the one they generated.
    public var fingerprint: String { String(SHA256.hash(data: key.rawRepresentation).hex.prefix(16)) }

    public static func == (a: Self, b: Self) -> Bool {
        a.key.rawRepresentation == b.key.rawRepresentation
    }
}

/// The private half, kept by the organization, never by the server: `keygen-organization`
/// writes it to a file and `decrypt-package` reads it back.
///
/// The file holds comment lines (`#`) and one line `undersigned-x25519-private:` followed
/// by the base64 of the 32 raw bytes.
public struct OrganizationPrivateKey: Sendable {
    public static let textPrefix = "undersigned-x25519-private:"

    public let key: Curve25519.KeyAgreement.PrivateKey

    public init() {
        key = Curve25519.KeyAgreement.PrivateKey()
    }

    public init(fileContents: String) throws(OrganizationKeyError) {
        let lines = fileContents.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, lines[0].hasPrefix(Self.textPrefix) else { throw .notAPrivateKeyFile }
        let encoded = String(lines[0].dropFirst(Self.textPrefix.count))
        guard let raw = Data(base64Encoded: encoded), raw.count == 32,
            let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
        else { throw .notAPrivateKeyFile }
        self.key = key
    }

    public var publicKey: OrganizationPublicKey { OrganizationPublicKey(key.publicKey) }

    public var fileContents: String {
        """
        # Undersigned: the private key that opens this organization's delivery packages.
        # Keep it secret and off the server; lose it and packages encrypted to it cannot be opened.
        # Public key, for the organization's page: \(publicKey.text)
        \(Self.textPrefix)\(key.rawRepresentation.base64EncodedString())

        """
    }

    /// Writes a new key to `path`, readable by its owner only; an existing file is never replaced.
    public static func generate(writingTo path: String) throws -> OrganizationPrivateKey {
        let key = OrganizationPrivateKey()
        let contents = key.fileContents
        // O_EXCL: never replace a key file, not even one made a moment ago.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw OrganizationKeyError.cannotCreate(path) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data(contents.utf8))
        try handle.close()
        return key
    }

    /// Reads a key file written by ``generate(writingTo:)``.
    public static func load(path: String) throws -> OrganizationPrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw OrganizationKeyError.cannotRead(path)
        }
        return try OrganizationPrivateKey(fileContents: text)
    }
}

public enum OrganizationKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPrefix
    case malformed
    case unusable
    case notAPrivateKeyFile
    case cannotCreate(String)
    case cannotRead(String)

    public var description: String {
        switch self {
        case .missingPrefix:
            "A key starts with \(OrganizationPublicKey.textPrefix), as `undersigned keygen-organization` prints it."
        case .malformed:
            "After \(OrganizationPublicKey.textPrefix) comes the base64 of 32 bytes, 44 characters ending in \"=\". Copy the whole line again."
        case .unusable: "This is not a usable X25519 public key. Generate one with `undersigned keygen-organization`."
        case .notAPrivateKeyFile:
            "This file does not hold an organization's private key (a line starting with \(OrganizationPrivateKey.textPrefix))."
        case .cannotCreate(let path): "cannot create \(path) (it may exist already)"
        case .cannotRead(let path): "cannot read \(path)"
        }
    }
}
