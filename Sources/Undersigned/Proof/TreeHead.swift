import Crypto
import Foundation

/// A petition's log at one moment: its size, root and the count it proves, signed by the
/// instance. A delivery carries one; a receipt's inclusion proof is checked against one.
public struct SignedTreeHead: Sendable, Equatable {
    public var petitionID: UUID
    public var size: UInt64
    public var root: [UInt8]
    /// Confirmations minus withdrawals and invalidations among the first `size` entries.
    public var count: Int
    public var timestamp: Date
    public var keyID: String
    public var signature: [UInt8]

    /// The bytes signed: a version tag, the petition, size, root, count and time in Unix
    /// milliseconds, integers big-endian.
    public static func signedBytes(petitionID: UUID, size: UInt64, root: [UInt8], count: Int, timestamp: Date)
        -> [UInt8]
    {
        Array("undersigned-tree-head-v1".utf8) + petitionID.bytes + size.bigEndianBytes + root
            + UInt64(count).bigEndianBytes + UInt64(bitPattern: timestamp.millis).bigEndianBytes
    }

    public var signedBytes: [UInt8] {
        Self.signedBytes(petitionID: petitionID, size: size, root: root, count: count, timestamp: timestamp)
    }

    public func isValid(under key: LogSigningKey.Public) -> Bool {
        keyID == key.id && key.key.isValidSignature(signature, for: signedBytes)
    }
}

/// The instance's Ed25519 key for signing tree heads. Its public half is published at
/// `/.well-known/undersigned/log-key`; instances sharing a database must share it.
public struct LogSigningKey: Sendable {
    public struct Public: Sendable {
        public let key: Curve25519.Signing.PublicKey
        /// The first 8 bytes of the SHA-256 of the raw public key, in hex.
        public var id: String { Self.id(of: key) }

        public init(rawRepresentation: [UInt8]) throws {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)
        }

        init(_ key: Curve25519.Signing.PublicKey) {
            self.key = key
        }

        static func id(of key: Curve25519.Signing.PublicKey) -> String {
            SHA256.hash(data: key.rawRepresentation).prefix(8).hex
        }
    }

    private let key: Curve25519.Signing.PrivateKey

    public var publicKey: Public { Public(key.publicKey) }

    public init(rawRepresentation: [UInt8]) throws {
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    public func sign(petitionID: UUID, size: UInt64, root: [UInt8], count: Int, timestamp: Date) throws
        -> SignedTreeHead
    {
        let bytes = SignedTreeHead.signedBytes(
            petitionID: petitionID, size: size, root: root, count: count, timestamp: timestamp)
        return SignedTreeHead(
            petitionID: petitionID, size: size, root: root, count: count, timestamp: timestamp, keyID: publicKey.id,
            signature: Array(try key.signature(for: bytes)))
    }

    /// Uses the configured key (base64 of the 32-byte seed), or reads the key file, creating
    /// it on first run.
    public static func load(configured: String?, keyFile: String) throws -> LogSigningKey {
        if let configured {
            guard let raw = Data(base64Encoded: configured.trimmed()),
                raw.count == 32
            else {
                throw SettingsError(description: "UNDERSIGNED_LOG_KEY must be the base64 of a 32-byte Ed25519 key")
            }
            return try LogSigningKey(rawRepresentation: Array(raw))
        }
        if !SecretFile.exists(keyFile) { try create(keyFile) }
        let text = try SecretFile.read(keyFile, what: "the log signing key")
        guard let raw = Data(base64Encoded: text.trimmed()), raw.count == 32
        else {
            throw SettingsError(description: "\(keyFile) does not hold a base64 Ed25519 key")
        }
        return try LogSigningKey(rawRepresentation: Array(raw))
    }

    /// Writes a new key file, readable by its owner only; an existing file is never replaced.
    public static func create(_ keyFile: String) throws {
        let text = Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString() + "\n"
        try SecretFile.create(keyFile, contents: text, what: "the log signing key")
    }
}
