import Foundation
import SQLKit

/// Accounts, sessions and password resets.
extension SQLStore {
    static let accountColumns =
        "id, name, email_fingerprint, sealed_email, password_hash, is_admin, created_at, disabled_at, language"

    func accountTransaction<Result: Sendable>(_ body: @Sendable (any AccountTransaction) async throws -> Result)
        async throws -> Result
    {
        try await driver.transaction { db in
            try await body(SQLAccountTransaction(db: db, flavor: driver.flavor))
        }
    }

    func account(id: UUID) async throws -> Account? {
        try await driver.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.accountColumns) FROM accounts WHERE id = \(bind: id.text)")
                .first().map(Self.account(from:))
        }
    }

    func allAccounts() async throws -> [Account] {
        try await driver.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.accountColumns) FROM accounts ORDER BY name, id").all().map(
                Self.account(from:))
        }
    }

    func account(emailFingerprint: [UInt8]) async throws -> Account? {
        try await driver.read { db in
            try await db.raw(
                "SELECT \(unsafeRaw: Self.accountColumns) FROM accounts WHERE email_fingerprint = \(bind: Data(emailFingerprint))"
            )
            .first().map(Self.account(from:))
        }
    }

    func session(tokenHash: [UInt8]) async throws -> (session: StoredSession, account: Account)? {
        try await driver.read { db in
            let columns = Self.accountColumns.split(separator: ", ").map { "a.\($0)" }.joined(separator: ", ")
            guard
                let row = try await db.raw(
                    """
                    SELECT s.created_at AS session_created_at, s.last_seen_at, s.expires_at, \(unsafeRaw: columns)
                    FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = \(bind: Data(tokenHash))
                    """
                ).first()
            else { return nil }
            let account = try Self.account(from: row)
            let session = StoredSession(
                tokenHash: tokenHash, accountID: account.id,
                createdAt: Date(millis: try row.decode(column: "session_created_at", as: Int64.self)),
                lastSeenAt: Date(millis: try row.decode(column: "last_seen_at", as: Int64.self)),
                expiresAt: Date(millis: try row.decode(column: "expires_at", as: Int64.self)))
            return (session, account)
        }
    }

    func touchSession(tokenHash: [UInt8], at date: Date) async throws {
        try await driver.transaction { db in
            try await db.raw(
                "UPDATE sessions SET last_seen_at = \(bind: date.millis) WHERE token_hash = \(bind: Data(tokenHash))"
            ).run()
        }
    }

    func usablePasswordReset(tokenHash: [UInt8], now: Date) async throws -> UUID? {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT account_id FROM password_resets
                WHERE token_hash = \(bind: Data(tokenHash)) AND used_at IS NULL AND expires_at > \(bind: now.millis)
                """
            ).first().map { try UUID(text: $0.decode(column: "account_id", as: String.self)) }
        }
    }

    static func account(from row: any SQLRow) throws -> Account {
        Account(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            name: try row.decode(column: "name", as: String.self),
            emailFingerprint: Array(try row.decode(column: "email_fingerprint", as: Data.self)),
            sealedEmail: Array(try row.decode(column: "sealed_email", as: Data.self)),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            isAdmin: try row.decode(column: "is_admin", as: Bool.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            disabledAt: try row.decode(column: "disabled_at", as: Int64?.self).map(Date.init(millis:)),
            emailLanguage: try row.decode(column: "language", as: String?.self).flatMap(
                InterfaceLanguage.init(rawValue:)))
    }
}

/// The account, organization and audit writes of one transaction.
struct SQLAccountTransaction: AccountTransaction {
    let db: any SQLDatabase
    let flavor: SQLFlavor

    func insert(_ account: Account) async throws -> Bool {
        try await db.raw(
            """
            INSERT INTO accounts (id, name, email_fingerprint, sealed_email, password_hash, is_admin, created_at, language)
            VALUES (\(bind: account.id.text), \(bind: account.name), \(bind: Data(account.emailFingerprint)), \(bind: Data(account.sealedEmail)),
                    \(bind: account.passwordHash), \(bind: account.isAdmin), \(bind: account.createdAt.millis),
                    \(bind: account.emailLanguage?.code))
            ON CONFLICT (email_fingerprint) DO NOTHING RETURNING id
            """
        ).first() != nil
    }

    func account(id: UUID) async throws -> Account? {
        try await db.raw(
            "SELECT \(unsafeRaw: SQLStore.accountColumns) FROM accounts WHERE id = \(bind: id.text) \(unsafeRaw: flavor.lockRows)"
        )
        .first().map(SQLStore.account(from:))
    }

    func setEmailLanguage(accountID: UUID, _ language: InterfaceLanguage) async throws {
        try await db.raw("UPDATE accounts SET language = \(bind: language.code) WHERE id = \(bind: accountID.text)")
            .run()
    }

    func setDisabled(accountID: UUID, at date: Date?) async throws {
        try await db.raw("UPDATE accounts SET disabled_at = \(bind: date?.millis) WHERE id = \(bind: accountID.text)")
            .run()
    }

    func updatePassword(accountID: UUID, hash: String) async throws {
        try await db.raw("UPDATE accounts SET password_hash = \(bind: hash) WHERE id = \(bind: accountID.text)").run()
    }

    func insert(_ session: StoredSession) async throws {
        try await db.raw(
            """
            INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at)
            VALUES (\(bind: Data(session.tokenHash)), \(bind: session.accountID.text), \(bind: session.createdAt.millis),
                    \(bind: session.lastSeenAt.millis), \(bind: session.expiresAt.millis))
            """
        ).run()
    }

    func deleteSession(tokenHash: [UInt8]) async throws {
        try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Data(tokenHash))").run()
    }

    func deleteSessions(accountID: UUID) async throws {
        try await db.raw("DELETE FROM sessions WHERE account_id = \(bind: accountID.text)").run()
    }

    func purgeExpired(now: Date, idleCutoff: Date) async throws {
        try await db.raw(
            "DELETE FROM sessions WHERE expires_at <= \(bind: now.millis) OR last_seen_at <= \(bind: idleCutoff.millis)"
        ).run()
        try await db.raw("DELETE FROM password_resets WHERE expires_at <= \(bind: now.millis)").run()
        try await db.raw(
            """
            UPDATE invitations SET sealed_email = \(unsafeRaw: flavor.emptyBytes)
            WHERE (accepted_at IS NOT NULL OR revoked_at IS NOT NULL OR expires_at <= \(bind: now.millis))
            AND sealed_email <> \(unsafeRaw: flavor.emptyBytes)
            """
        ).run()
    }

    func insertPasswordReset(tokenHash: [UInt8], accountID: UUID, createdAt: Date, expiresAt: Date) async throws {
        try await db.raw(
            """
            INSERT INTO password_resets (token_hash, account_id, created_at, expires_at)
            VALUES (\(bind: Data(tokenHash)), \(bind: accountID.text), \(bind: createdAt.millis), \(bind: expiresAt.millis))
            """
        ).run()
    }

    func passwordResetCount(accountID: UUID, since date: Date) async throws -> Int {
        try await db.count(
            "SELECT COUNT(*) AS n FROM password_resets WHERE account_id = \(bind: accountID.text) AND created_at >= \(bind: date.millis)"
        )
    }

    func consumePasswordReset(tokenHash: [UInt8], now: Date) async throws -> UUID? {
        try await db.raw(
            """
            UPDATE password_resets SET used_at = \(bind: now.millis)
            WHERE token_hash = \(bind: Data(tokenHash)) AND used_at IS NULL AND expires_at > \(bind: now.millis)
            RETURNING account_id
            """
        ).first().map { try UUID(text: $0.decode(column: "account_id", as: String.self)) }
    }

    func record(_ event: AuditEvent) async throws {
        try await db.record(event)
    }

    func enqueue(_ emails: [QueuedEmail]) async throws {
        try await db.enqueue(emails, flavor: flavor)
    }

    func withdrawQueued(_ id: UUID) async throws {
        try await db.raw("DELETE FROM outbox WHERE id = \(bind: id.text)").run()
    }
}
