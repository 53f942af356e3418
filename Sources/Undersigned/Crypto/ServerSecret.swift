import Crypto
import Foundation

/// The instance's root secret. Every key the server uses is derived from it with HKDF,
/// one key per purpose, so a key used for one thing can never validate another.
public struct ServerSecret: Sendable {
    private let material: SymmetricKey

    public init(_ text: String) throws {
        guard text.utf8.count >= 32 else {
            throw SettingsError(description: "the server secret must be at least 32 characters")
        }
        self.material = SymmetricKey(data: Data(text.utf8))
    }

    /// Uses the configured secret, or reads (creating it on first run) `undersigned.secret`
    /// in the data directory, readable only by its owner. A file that is there but cannot be
    /// read or holds no usable secret stops startup: replacing it would silently invalidate
    /// every link already sent and every fingerprint stored.
    public static func load(configured: String?, dataDirectory: String) throws -> ServerSecret {
        if let configured { return try ServerSecret(configured) }
        let path = URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("undersigned.secret")
            .path
        if !SecretFile.exists(path) {
            let generated = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
            try SecretFile.create(path, contents: generated + "\n", what: "the server secret")
            return try ServerSecret(generated)
        }
        let text = try SecretFile.read(path, what: "the server secret")
        guard let secret = try? ServerSecret(text.trimmed()) else {
            throw SettingsError(
                description:
                    "\(path) does not hold a server secret of at least 32 characters: restore it from a backup "
                    + "(removing it makes a new one, and every link already sent stops working)")
        }
        return secret
    }

    public func key(for purpose: KeyPurpose) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material, info: Data("undersigned.\(purpose.rawValue).v1".utf8), outputByteCount: 32)
    }
}

public enum KeyPurpose: String, Sendable {
    case emailFingerprint = "email-fingerprint"
    case confirmationLink = "confirmation-link"
    case withdrawalLink = "withdrawal-link"
    case receipt
    case unsubscribeLink = "unsubscribe-link"
    case csrf
    /// The widget's form tokens, which stand in for the CSRF cookie inside other sites' frames.
    case embedForm = "embed-form"
    case proofOfWork = "proof-of-work"
    /// Rate-limit buckets shared between instances; a key per day is derived from it.
    case rateBuckets = "rate-buckets"
    /// Fingerprints of organizers' and moderators' addresses: a key apart from signers', so
    /// that the two cannot be matched in a copy of the database.
    case accountEmailFingerprint = "account-email-fingerprint"
    /// Known-device cookies: a browser an account signed in from is not held back by others' failures.
    case knownDevice = "known-device"
}
