import Foundation
import SQLKit

extension SQLStore {
    func dataKeys() async throws -> [WrappedDataKey] {
        try await driver.read { db in
            try await db.raw("SELECT id, master_key_id, wrapped_key, created_at FROM data_keys ORDER BY created_at, id")
                .all().map { row in
                    WrappedDataKey(
                        id: UInt32(try row.decode(column: "id", as: Int64.self)),
                        masterKeyID: try row.decode(column: "master_key_id", as: String.self),
                        wrappedKey: Array(try row.decode(column: "wrapped_key", as: Data.self)),
                        createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
                }
        }
    }

    func insert(_ key: WrappedDataKey) async throws {
        try await driver.transaction { db in
            try await db.raw(
                """
                INSERT INTO data_keys (id, master_key_id, wrapped_key, created_at)
                VALUES (\(bind: Int64(key.id)), \(bind: key.masterKeyID), \(bind: Data(key.wrappedKey)), \(bind: key.createdAt.millis))
                """
            ).run()
        }
    }

    func rewrap(_ keys: [WrappedDataKey]) async throws {
        guard !keys.isEmpty else { return }
        try await driver.transaction { db in
            for key in keys {
                try await db.raw(
                    """
                    UPDATE data_keys SET master_key_id = \(bind: key.masterKeyID), wrapped_key = \(bind: Data(key.wrappedKey))
                    WHERE id = \(bind: Int64(key.id))
                    """
                ).run()
            }
        }
    }
}
