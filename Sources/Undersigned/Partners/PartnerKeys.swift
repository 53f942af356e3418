import Foundation

/// Partner sites' API keys: made and revoked by an organization's owners, each change audited
/// in the same transaction; and the key of a request, found by its hash.
public struct PartnerKeys: Sendable {
    let store: any Accounts.Store & PartnerKeyStore
    let clock: WallClock
    /// When each key was last marked used here: a busy key is written at most once a minute.
    private let marked = ExpiringCache<UUID, Bool>(lifetime: .seconds(60))

    public init(store: any Accounts.Store & PartnerKeyStore, clock: WallClock) {
        self.store = store
        self.clock = clock
    }

    /// Makes a key; returns it with its secret, to be shown once.
    public func create(
        label: String?, for organization: Organization, by actor: Account, words: Translation = Translations.english
    ) async throws -> (key: PartnerKey, secret: String) {
        let label = (label ?? "").trimmed()
        guard !label.isEmpty, label.count <= PartnerKey.maximumLabelLength,
            !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw FormProblems(
                "label",
                words.text(.partnerKeysProblemLabel, ["maximum": words.language.number(PartnerKey.maximumLabelLength)]))
        }
        let (key, secret) = PartnerKey.make(label: label, organizationID: organization.id, by: actor.id, at: clock.now)
        try await store.accountTransaction { transaction in
            try await transaction.lockedMemberships(of: organization, checking: .managePartnerKeys, for: actor)
            try await transaction.insertPartnerKey(key)
            try await transaction.record(
                AuditEvent(
                    at: key.createdAt, actorID: actor.id, action: .partnerKeyCreated, subjectType: "partner key",
                    subjectID: key.id.text, organizationID: organization.id,
                    details: "\u{201C}\(label)\u{201D}, \(key.hint)…"))
        }
        return (key, secret)
    }

    /// Revokes a key of the organization; a key already revoked stays as it was.
    public func revoke(_ id: UUID, of organization: Organization, by actor: Account) async throws {
        let now = clock.now
        try await store.accountTransaction { transaction in
            try await transaction.lockedMemberships(of: organization, checking: .managePartnerKeys, for: actor)
            guard let key = try await transaction.revokePartnerKey(id: id, organizationID: organization.id, at: now)
            else { return }
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: actor.id, action: .partnerKeyRevoked, subjectType: "partner key",
                    subjectID: key.id.text, organizationID: organization.id,
                    details: "\u{201C}\(key.label)\u{201D}, \(key.hint)…"))
        }
    }

    public func keys(of organization: Organization) async throws -> [PartnerKey] {
        try await store.partnerKeys(organizationID: organization.id)
    }

    /// The live key a request presents, marked used; `nil` for anything else.
    func authenticate(_ presented: String) async throws -> PartnerKey? {
        guard let hash = PartnerKey.hash(of: presented), let key = try await store.partnerKey(secretHash: hash),
            key.revokedAt == nil
        else { return nil }
        let now = clock.now
        _ = try await marked.value(for: key.id) {
            try await store.markPartnerKeyUsed(id: key.id, at: now)
            return true
        }
        return key
    }
}
