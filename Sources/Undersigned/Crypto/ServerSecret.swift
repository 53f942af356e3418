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
    /// in the data directory, readable only by its owner.
    public static func load(configured: String?, dataDirectory: String) throws -> ServerSecret {
        if let configured { return try ServerSecret(configured) }
        let directory = URL(fileURLWithPath: dataDirectory, isDirectory: true)
        let file = directory.appendingPathComponent("undersigned.secret")
        if let existing = try? String(contentsOf: file, encoding: .utf8) {
            return try ServerSecret(existing.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let generated = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        guard FileManager.default.createFile(
            atPath: file.path, contents: Data((generated + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw SettingsError(description: "cannot write the server secret to \(file.path)")
        }
        return try ServerSecret(generated)
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
    case proofOfWork = "proof-of-work"
    /// Rate-limit buckets shared between instances; a key per day is derived from it.
    case rateBuckets = "rate-buckets"
    /// Fingerprints of organizers' and moderators' addresses: a key apart from signers', so
    /// that the two cannot be matched in a copy of the database.
    case accountEmailFingerprint = "account-email-fingerprint"
}
