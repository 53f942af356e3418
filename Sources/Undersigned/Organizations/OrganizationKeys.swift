import Foundation

/// Setting, replacing and removing the public key an organization's delivery packages are
/// encrypted to. Each change is written with its audit event in one transaction, after the
/// actor's role is checked again under the lock of the memberships.
public struct OrganizationKeys: Sendable {
    let store: any Accounts.Store
    let clock: WallClock

    public init(accounts: Accounts) {
        store = accounts.store
        clock = accounts.clock
    }

    /// Sets the key pasted as `text`, or replaces the one the organization had.
    @discardableResult
    public func set(
        text: String?, of organization: Organization, by actor: Account, words: Translation = Translations.english
    ) async throws -> OrganizationPublicKey {
        let key: OrganizationPublicKey
        do throws(OrganizationKeyError) {
            key = try OrganizationPublicKey(text: text ?? "")
        } catch {
            throw FormProblems("key", Self.problem(error, words))
        }
        let now = clock.now
        try await store.accountTransaction { transaction in
            try await transaction.lockedMemberships(of: organization, checking: .manageOrganizationKey, for: actor)
            let previous = try await transaction.publicKey(organizationID: organization.id)
            guard previous != key else { return }
            try await transaction.setPublicKey(key, organizationID: organization.id, at: now)
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: actor.id, action: .organizationKeySet, subjectType: "organization",
                    subjectID: organization.id.text,
                    organizationID: organization.id,
                    details: "fingerprint: \(key.fingerprint)"
                        + (previous.map { ", replacing \($0.fingerprint)" } ?? "")))
        }
        return key
    }

    /// What is wrong with a pasted key, in the owner's language.
    static func problem(_ error: OrganizationKeyError, _ words: Translation) -> String {
        let prefix = ["prefix": OrganizationPublicKey.textPrefix]
        return switch error {
        case .missingPrefix: words.text(.organizationKeyProblemPrefix, prefix)
        case .malformed: words.text(.organizationKeyProblemMalformed, prefix)
        case .unusable: words.text(.organizationKeyProblemUnusable)
        case .notAPrivateKeyFile, .cannotCreate, .cannotRead: error.description
        }
    }

    /// Removes the key: packages are then delivered to the organization unencrypted.
    public func remove(from organization: Organization, by actor: Account) async throws {
        let now = clock.now
        try await store.accountTransaction { transaction in
            try await transaction.lockedMemberships(of: organization, checking: .manageOrganizationKey, for: actor)
            guard let previous = try await transaction.publicKey(organizationID: organization.id) else { return }
            try await transaction.removePublicKey(organizationID: organization.id)
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: actor.id, action: .organizationKeyRemoved, subjectType: "organization",
                    subjectID: organization.id.text,
                    organizationID: organization.id, details: "fingerprint: \(previous.fingerprint)"))
        }
    }
}
