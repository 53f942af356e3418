import Foundation
import SQLKit

/// Partner sites' API keys, by organization and by the hash of the key.
extension SQLStore {
    func partnerKeys(organizationID: UUID) async throws -> [PartnerKey] {
        try await driver.read { db in
            try await db.raw(
                "SELECT * FROM partner_keys WHERE organization_id = \(bind: organizationID.text) ORDER BY created_at DESC, id"
            ).all().map(Self.partnerKey(from:))
        }
    }

    func partnerKey(secretHash: [UInt8]) async throws -> PartnerKey? {
        try await driver.read { db in
            try await db.raw("SELECT * FROM partner_keys WHERE secret_hash = \(bind: Data(secretHash))").first().map(
                Self.partnerKey(from:))
        }
    }

    func markPartnerKeyUsed(id: UUID, at date: Date) async throws {
        try await driver.transaction { db in
            try await db.raw(
                "UPDATE partner_keys SET last_used_at = \(bind: date.millis) WHERE id = \(bind: id.text)"
            ).run()
        }
    }

    static func partnerKey(from row: any SQLRow) throws -> PartnerKey {
        PartnerKey(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            organizationID: try UUID(text: row.decode(column: "organization_id", as: String.self)),
            label: try row.decode(column: "label", as: String.self),
            hint: try row.decode(column: "hint", as: String.self),
            secretHash: Array(try row.decode(column: "secret_hash", as: Data.self)),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: String?.self).map(UUID.init(text:)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Date.init(millis:)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millis:)))
    }
}

extension SQLAccountTransaction {
    func insertPartnerKey(_ key: PartnerKey) async throws {
        try await db.raw(
            """
            INSERT INTO partner_keys (id, organization_id, label, hint, secret_hash, created_at, created_by)
            VALUES (\(bind: key.id.text), \(bind: key.organizationID.text), \(bind: key.label), \(bind: key.hint),
                    \(bind: Data(key.secretHash)), \(bind: key.createdAt.millis), \(bind: key.createdBy?.text))
            """
        ).run()
    }

    func revokePartnerKey(id: UUID, organizationID: UUID, at date: Date) async throws -> PartnerKey? {
        try await db.raw(
            """
            UPDATE partner_keys SET revoked_at = \(bind: date.millis)
            WHERE id = \(bind: id.text) AND organization_id = \(bind: organizationID.text) AND revoked_at IS NULL
            RETURNING *
            """
        ).first().map(SQLStore.partnerKey(from:))
    }
}
