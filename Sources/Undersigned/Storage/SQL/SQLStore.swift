import Crypto
import Foundation
import SQLKit
import ServiceLifecycle

/// The storage layer: the same SQL over SQLite and PostgreSQL, with what differs between
/// them kept in an ``SQLDriver``. Ids are stored as text, times as Unix milliseconds.
struct SQLStore: Database {
    let driver: any SQLDriver

    var services: [any Service] { driver.services }
    func servicesStarted() async { await driver.servicesStarted() }

    func close() async {
        await driver.close()
    }

    // MARK: Schema

    func migrate() async throws {
        try await migrate(Migrations.all)
    }

    /// Applies those of `migrations` not applied yet, in order. A test stops before the latest
    /// to store rows as an older version did.
    func migrate(_ migrations: [Migration]) async throws {
        let flavor = driver.flavor
        try await driver.transaction { db in
            if let lock = flavor.migrationLock { try await db.raw("\(unsafeRaw: lock)").run() }
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
            let applied = Set(
                try await db.raw("SELECT version FROM schema_migrations").all().map {
                    try $0.decode(column: "version", as: Int.self)
                })
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements(flavor) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: WallClock.system.now.millis))"
                ).run()
            }
        }
    }

    func appliedMigrations() async throws -> [Int] {
        let flavor = driver.flavor
        return try await driver.read { db in
            guard try await db.raw("\(unsafeRaw: flavor.schemaExists)").first() != nil else { return [] }
            return try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all().map {
                try $0.decode(column: "version", as: Int.self)
            }
        }
    }

    func isReachable() async -> Bool {
        (try? await driver.read { db in try await db.raw("SELECT 1 AS one").first() != nil }) ?? false
    }

    // MARK: Signatures

    var concurrentWrites: Int { driver.flavor.concurrentWrites }

    func write<Result: Sendable>(_ body: @Sendable (any SignatureWriteTransaction) async throws -> Result) async throws
        -> Result
    {
        try await driver.transaction { db in
            try await body(SQLSignatureTransaction(db: db, flavor: driver.flavor))
        }
    }

    private var atOnce: (any InsertsNewSignaturesAtOnce)? { driver as? any InsertsNewSignaturesAtOnce }

    var insertsNewAtOnce: Bool { atOnce != nil }

    func insertNew(_ signatures: [NewSignature], queueing emails: OutgoingEmails) async throws -> Set<UUID> {
        guard !signatures.isEmpty || !emails.changesNothing else { return [] }
        if !signatures.isEmpty, let atOnce {
            return try await atOnce.insertNew(signatures, queueing: emails)
        }
        return try await write { transaction in
            let inserted = try await transaction.insertNew(signatures)
            try await transaction.enqueue(emails.about(signatures: inserted))
            return inserted
        }
    }

    func signature(id: UUID) async throws -> Signature? {
        try await driver.read { db in
            try await SQLSignatureTransaction(db: db, flavor: driver.flavor).signatures(ids: [id])[id]
        }
    }

    func signaturesWithPersonalData(ids: [UUID]) async throws -> [UUID: SignatureWithPersonalData] {
        try await driver.read { db in
            try await SQLSignatureTransaction(db: db, flavor: driver.flavor).signaturesWithPersonalData(ids: ids)
        }
    }

    func deleteUnconfirmed(before cutoff: Date) async throws -> Int {
        try await driver.transaction { db in
            try await db.raw(
                """
                DELETE FROM signatures WHERE \(unsafeRaw: SignatureIndexes.pending) AND created_at < \(bind: cutoff.millis)
                RETURNING id
                """
            ).all().count
        }
    }

    func erasePersonalData(ofPetitionsDeliveredBefore cutoff: Date) async throws -> Int {
        try await driver.transaction { db in
            let erasing: SQLQueryString = """
                personal_data IS NOT NULL AND petition_id IN (
                    SELECT id FROM petitions WHERE state = \(bind: PetitionState.delivered.rawValue) AND delivered_at < \(bind: cutoff.millis))
                """
            // Found by indexes, so that no run reads through the whole outbox.
            try await db.dropQueuedEmails(aboutSignatures: "SELECT id FROM signatures WHERE " + erasing)
            // The fingerprint goes too: it is derived from the address. Each becomes its row's
            // own id, which keeps it unique per petition and links to nothing.
            return try await db.raw(
                """
                UPDATE signatures SET personal_data = NULL, email_fingerprint = \(unsafeRaw: driver.flavor.textToBytes("id"))
                WHERE \(erasing)
                RETURNING id
                """
            ).all().count
        }
    }
}

extension SQLStore {
    /// Continues a walk through a petition's signatures in `(created_at, id)` order after the
    /// row at `createdAt` and `id`. The first term lets the `(petition_id, created_at)` index
    /// start at the cursor: with the `OR` alone PostgreSQL reads every row before it, on every
    /// page, and a walk through millions of signatures never ends.
    static func signaturesAfter(createdAt: Int64, id: String) -> SQLQueryString {
        "AND created_at >= \(bind: createdAt) AND (created_at > \(bind: createdAt) OR id > \(bind: id))"
    }
}

/// The conditions of the partial indexes on `signatures` (migration 23), as the queries that
/// read them must write them: a database uses a partial index only for a query whose own
/// condition it can match to the index's, and SQLite matches the text, not bound values.
enum SignatureIndexes {
    /// `signatures_unconfirmed (petition_id, state)`.
    static let unconfirmed = "state <> 'confirmed'"
    /// `signatures_pending_by_age (created_at)`.
    static let pending = "state = 'pending'"
}

/// The signature writes of one transaction.
struct SQLSignatureTransaction: SignatureWriteTransaction {
    let db: any SQLDatabase
    let flavor: SQLFlavor

    static let columns = "id, petition_id, state, country, show_name, wants_updates, source, created_at, confirmed_at"

    func insertNew(_ signatures: [NewSignature]) async throws -> Set<UUID> {
        var inserted = Set<UUID>()
        // Chunked to stay below the databases' limits on bound parameters.
        for chunk in signatures.chunks(of: 500) {
            let rows = try await db.raw(Self.insertStatement(chunk, flavor: flavor)).all()
            inserted.formUnion(try Self.insertedIDs(rows))
        }
        return inserted
    }

    /// Inserts those of `signatures` whose petition and fingerprint are not stored yet, and
    /// returns their ids.
    static func insertStatement(_ signatures: some Collection<NewSignature>, flavor: SQLFlavor) -> SQLQueryString {
        """
        INSERT INTO signatures (\(unsafeRaw: insertedColumns)) \(rows(signatures).source(flavor))
        ON CONFLICT (petition_id, email_fingerprint) DO NOTHING
        RETURNING id
        """
    }

    static let insertedColumns =
        "id, petition_id, email_fingerprint, state, country, show_name, wants_updates, source, personal_data, created_at, confirmed_at, paper_batch_id"

    static func rows(_ signatures: some Collection<NewSignature>) -> BatchRows {
        BatchRows(columns: [
            .text(signatures.map(\.id.text)), .text(signatures.map(\.petitionID.text)),
            .bytes(signatures.map { Data($0.emailFingerprint) }), .text(signatures.map(\.stored.state.rawValue)),
            .text(signatures.map(\.country)), .booleans(signatures.map(\.showNamePublicly)),
            .booleans(signatures.map(\.wantsUpdates)), .text(signatures.map(\.source.rawValue)),
            .bytes(signatures.map { Data($0.sealedPersonalData) }), .integers(signatures.map(\.createdAt.millis)),
            .integers(signatures.map { $0.confirmedAt?.millis }), .text(signatures.map { $0.paperBatchID?.text }),
        ])
    }

    static func insertedIDs(_ rows: [any SQLRow]) throws -> Set<UUID> {
        Set(try rows.map { try UUID(text: $0.decode(column: "id", as: String.self)) })
    }

    func replacePending(_ id: UUID, with signature: NewSignature) async throws -> Bool {
        let rows = try await db.raw(
            """
            UPDATE signatures SET country = \(bind: signature.country), show_name = \(bind: signature.showNamePublicly),
                wants_updates = \(bind: signature.wantsUpdates), source = \(bind: signature.source.rawValue),
                personal_data = \(bind: Data(signature.sealedPersonalData)), created_at = \(bind: signature.createdAt.millis)
            WHERE id = \(bind: id.text) AND state = \(bind: SignatureState.pending.rawValue)
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    func signature(petitionID: UUID, fingerprint: [UInt8]) async throws -> Signature? {
        try await db.raw(
            "SELECT \(unsafeRaw: Self.columns) FROM signatures WHERE petition_id = \(bind: petitionID.text) AND email_fingerprint = \(bind: Data(fingerprint))"
        ).first().map(Self.signature(from:))
    }

    func signatures(ids: [UUID]) async throws -> [UUID: Signature] {
        try await signatures(ids: ids, locking: false)
    }

    /// With `locking`, the rows stay as read until the transaction ends, so a state change
    /// decided on them (and the counters it moves) cannot race another instance's.
    func signatures(ids: [UUID], locking: Bool) async throws -> [UUID: Signature] {
        var found: [UUID: Signature] = [:]
        let rows = try await rows(
            ids: ids.sorted(by: { $0.text < $1.text }), columns: Self.columns, then: locking ? flavor.lockRows : "")
        for row in rows {
            let signature = try Self.signature(from: row)
            found[signature.id] = signature
        }
        return found
    }

    func signaturesWithPersonalData(ids: [UUID]) async throws -> [UUID: SignatureWithPersonalData] {
        var found: [UUID: SignatureWithPersonalData] = [:]
        for row in try await rows(ids: ids, columns: "\(Self.columns), personal_data") {
            let signature = try Self.signatureWithPersonalData(from: row)
            found[signature.signature.id] = signature
        }
        return found
    }

    /// The rows of `ids`, 500 ids a statement: the databases limit the parameters bound to one.
    private func rows(ids: [UUID], columns: String, then clause: String = "") async throws -> [any SQLRow] {
        var rows: [any SQLRow] = []
        for chunk in ids.chunks(of: 500) {
            rows += try await db.raw(
                "SELECT \(unsafeRaw: columns) FROM signatures WHERE id IN (\(binds: chunk.map(\.text))) \(unsafeRaw: clause)"
            ).all()
        }
        return rows
    }

    /// Signatures of a taken-down petition stay pending: the same statement checks it, so a
    /// take-down committed a moment ago counts without a read per confirmation.
    func confirm(_ ids: [UUID], at date: Date) async throws -> [SignatureWithPersonalData] {
        guard !ids.isEmpty else { return [] }
        var confirmed: [SignatureWithPersonalData] = []
        for chunk in ids.chunks(of: 500) {
            let rows = try await db.raw(Self.confirming(Array(chunk), at: date, flavor: flavor)).all()
            confirmed += try rows.map(Self.signatureWithPersonalData(from:))
        }
        return confirmed
    }

    /// Finds its rows by their ids alone, whatever the database's statistics say of the
    /// petition's size (``SQLFlavor/notIndexed``), then asks of each one's petition whether it
    /// takes confirmations. Asked so, as a subquery run per row, the statement took PostgreSQL
    /// about half the time to plan that it did with the petitions as a join (46 against 87 µs),
    /// and it is planned for every batch, since its list of ids changes.
    static func confirming(_ ids: [UUID], at date: Date, flavor: SQLFlavor) -> SQLQueryString {
        """
        UPDATE signatures SET state = \(bind: SignatureState.confirmed.rawValue), confirmed_at = \(bind: date.millis)
        WHERE \(flavor.among("id", ids.map(\.text))) AND \(unsafeRaw: flavor.notIndexed("state")) = \(bind: SignatureState.pending.rawValue)
            AND (SELECT \(takesConfirmations(at: date)) FROM petitions WHERE petitions.id = signatures.petition_id)
        RETURNING \(unsafeRaw: columns), personal_data
        """
    }

    func confirmablePetitions(among petitionIDs: Set<UUID>, at date: Date) async throws -> Set<UUID> {
        guard !petitionIDs.isEmpty else { return [] }
        let rows = try await db.raw(
            """
            SELECT id FROM petitions WHERE id IN (\(binds: petitionIDs.map(\.text))) AND \(Self.takesConfirmations(at: date))
            """
        ).all()
        return Set(try rows.map { try UUID(text: $0.decode(column: "id", as: String.self)) })
    }

    /// ``ConfirmationWindow`` as SQL, a condition on a row of `petitions`: read in the
    /// confirming statement itself, so a close, a delivery or a take-down made at another
    /// instance counts at once.
    private static func takesConfirmations(at date: Date) -> SQLQueryString {
        """
        (petitions.state = \(bind: PetitionState.open.rawValue)
            OR (petitions.state = \(bind: PetitionState.closed.rawValue) AND petitions.state_changed_at >= \(bind: ConfirmationWindow.closedNoEarlierThan(date).millis)
                AND NOT EXISTS (SELECT 1 FROM deliveries WHERE deliveries.petition_id = petitions.id)))
        """
    }

    func withdraw(_ ids: [UUID], at date: Date) async throws -> [Signature] {
        guard !ids.isEmpty else { return [] }
        let withdrawable = try await signatures(ids: ids, locking: true).values.filter {
            $0.state == .pending || $0.state == .confirmed
        }
        .sorted { $0.id.text < $1.id.text }
        for signature in withdrawable {
            // A random fingerprint keeps the row unique yet unlinkable to the address, and lets
            // the same person sign again later if they change their mind.
            try await db.raw(
                """
                UPDATE signatures SET state = \(bind: SignatureState.withdrawn.rawValue), ended_at = \(bind: date.millis),
                    personal_data = NULL, show_name = \(bind: false), wants_updates = \(bind: false),
                    email_fingerprint = \(bind: Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
                WHERE id = \(bind: signature.id.text)
                """
            ).run()
        }
        try await dropQueuedEmails(about: withdrawable)
        return withdrawable
    }

    /// Once a signature stops counting, the emails still queued about it are dropped: a
    /// receipt would say it counts, news would reach someone who left. The writer lets go of
    /// the receipts waiting in its instance's hand-over (``OutboxHandover/drop(_:)``).
    private func dropQueuedEmails(about signatures: [Signature]) async throws {
        for chunk in signatures.map(\.id.text).chunks(of: 500) {
            try await db.dropQueuedEmails(aboutSignatures: "\(binds: Array(chunk))")
        }
    }

    func sealedPersonalData(ids: [UUID]) async throws -> [UUID: [UInt8]] {
        var found: [UUID: [UInt8]] = [:]
        for chunk in ids.chunks(of: 500) {
            let rows = try await db.raw(
                "SELECT id, personal_data FROM signatures WHERE personal_data IS NOT NULL AND id IN (\(binds: chunk.map(\.text)))"
            ).all()
            for row in rows {
                found[try UUID(text: row.decode(column: "id", as: String.self))] = Array(
                    try row.decode(column: "personal_data", as: Data.self))
            }
        }
        return found
    }

    func invalidate(_ ids: [UUID], as invalidation: Invalidation) async throws -> (Invalidation, [Signature]) {
        let affected = try await signatures(ids: ids, locking: true).values.filter {
            $0.state == .pending || $0.state == .confirmed
        }
        .sorted { $0.id.text < $1.id.text }
        var recorded = invalidation
        recorded.signatures = affected.count
        try await db.raw(
            """
            INSERT INTO invalidations (id, petition_id, reason, criteria, signatures, created_at)
            VALUES (\(bind: recorded.id.text), \(bind: recorded.petitionID.text), \(bind: recorded.reason), \(bind: recorded.criteria),
                    \(bind: recorded.signatures), \(bind: recorded.createdAt.millis))
            """
        ).run()
        for chunk in affected.map(\.id.text).chunks(of: 500) {
            try await db.raw(
                """
                UPDATE signatures SET state = \(bind: SignatureState.invalidated.rawValue), ended_at = \(bind: recorded.createdAt.millis),
                    invalidation_id = \(bind: recorded.id.text)
                WHERE id IN (\(binds: Array(chunk)))
                """
            ).run()
        }
        try await dropQueuedEmails(about: affected)
        return (recorded, affected)
    }

    static func signatureWithPersonalData(from row: any SQLRow) throws -> SignatureWithPersonalData {
        SignatureWithPersonalData(
            signature: try signature(from: row),
            sealedPersonalData: try row.decode(column: "personal_data", as: Data?.self).map { Array($0) })
    }

    static func signature(from row: any SQLRow) throws -> Signature {
        Signature(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            petitionID: try UUID(text: row.decode(column: "petition_id", as: String.self)),
            state: try SignatureState(stored: row.decode(column: "state", as: String.self)),
            country: try row.decode(column: "country", as: String.self),
            showNamePublicly: try row.decode(column: "show_name", as: Bool.self),
            wantsUpdates: try row.decode(column: "wants_updates", as: Bool.self),
            source: try SignatureSource(stored: row.decode(column: "source", as: String.self)),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            confirmedAt: try row.decode(column: "confirmed_at", as: Int64?.self).map(Date.init(millis:)))
    }
}

/// A stored value that this version does not understand.
struct CorruptRecord: Error, CustomStringConvertible {
    var description: String
}

extension RawRepresentable where RawValue == String {
    init(stored: String) throws {
        guard let value = Self(rawValue: stored) else {
            throw CorruptRecord(description: "unknown \(Self.self) '\(stored)'")
        }
        self = value
    }
}

extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(millis: Int64) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }
}

extension SQLDatabase {
    /// The `n` column of a one-row aggregate such as `SELECT COUNT(*) AS n`.
    func count(_ query: SQLQueryString) async throws -> Int {
        guard let row = try await raw(query).first() else {
            throw CorruptRecord(description: "an aggregate returned no row")
        }
        return try row.decode(column: "n", as: Int.self)
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
