import Foundation
import SQLKit

/// Organizations' public keys for delivery packages.
extension SQLStore {
    func publicKey(of organizationID: UUID) async throws -> (key: OrganizationPublicKey, setAt: Date)? {
        try await driver.read { db in
            try await db.raw(
                "SELECT public_key, set_at FROM organization_keys WHERE organization_id = \(bind: organizationID.text)"
            ).first().map {
                (try Self.organizationKey(from: $0), Date(millis: try $0.decode(column: "set_at", as: Int64.self)))
            }
        }
    }

    static func organizationKey(from row: any SQLRow) throws -> OrganizationPublicKey {
        let raw = try row.decode(column: "public_key", as: Data.self)
        do {
            return try OrganizationPublicKey(rawRepresentation: Array(raw))
        } catch {
            throw CorruptRecord(description: "an organization's public key is not a usable X25519 key")
        }
    }
}

extension SQLAccountTransaction {
    func publicKey(organizationID: UUID) async throws -> OrganizationPublicKey? {
        try await db.raw(
            "SELECT public_key FROM organization_keys WHERE organization_id = \(bind: organizationID.text)"
        ).first()
            .map(SQLStore.organizationKey(from:))
    }

    func setPublicKey(_ key: OrganizationPublicKey, organizationID: UUID, at date: Date) async throws {
        try await db.raw(
            """
            INSERT INTO organization_keys (organization_id, public_key, set_at)
            VALUES (\(bind: organizationID.text), \(bind: Data(key.rawRepresentation)), \(bind: date.millis))
            ON CONFLICT (organization_id) DO UPDATE SET public_key = excluded.public_key, set_at = excluded.set_at
            """
        ).run()
    }

    func removePublicKey(organizationID: UUID) async throws {
        try await db.raw("DELETE FROM organization_keys WHERE organization_id = \(bind: organizationID.text)").run()
    }
}
