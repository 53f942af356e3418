import Crypto
import Foundation

/// An API key of an organization, with which a partner site submits signatures to that
/// organization's petitions. Only the SHA-256 of the key is kept: it is shown once, when made.
public struct PartnerKey: Sendable, Equatable {
    public var id: UUID
    public var organizationID: UUID
    /// What the owners call it: the partner's name, say.
    public var label: String
    /// The key's first characters, to tell keys apart on the organization's page.
    public var hint: String
    public var secretHash: [UInt8]
    public var createdAt: Date
    public var createdBy: UUID?
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public static let maximumLabelLength = 100
    static let prefix = "usk_"

    /// A new key for `organizationID`, and the secret itself, which only its maker sees.
    static func make(label: String, organizationID: UUID, by account: UUID?, at date: Date) -> (PartnerKey, String) {
        let token = SecretToken.generate()
        let secret = prefix + token.value
        let key = PartnerKey(
            id: UUID.random(), organizationID: organizationID, label: label,
            hint: String(secret.prefix(prefix.count + 6)),
            secretHash: token.hash, createdAt: date, createdBy: account)
        return (key, secret)
    }

    /// The stored hash of a key as presented, or `nil` when it cannot be one of ours.
    static func hash(of presented: String) -> [UInt8]? {
        guard presented.hasPrefix(prefix) else { return nil }
        return SecretToken.hash(of: String(presented.dropFirst(prefix.count)))
    }
}

/// What keeps and finds partner keys. Creating and revoking them go through the account
/// transaction, with the owner's role checked again and the audit event written alongside.
public protocol PartnerKeyStore: Sendable {
    func partnerKeys(organizationID: UUID) async throws -> [PartnerKey]
    func partnerKey(secretHash: [UInt8]) async throws -> PartnerKey?
    func markPartnerKeyUsed(id: UUID, at date: Date) async throws
}
