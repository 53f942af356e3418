import Foundation
import SQLKit
import ServiceLifecycle

/// What differs between the databases ``SQLStore`` runs on: how connections are had,
/// how transactions start, and a few words of SQL.
protocol SQLDriver: Sendable {
    var flavor: SQLFlavor { get }
    /// Runs reads that need no transaction.
    func read<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result
    /// Runs one page of a walk through many rows (an export, a package, a review, the log's
    /// check): a read that should not fill the caches the busy reads depend on.
    func scan<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result
    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
    func transaction<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    /// Runs `body`, which writes with one statement: a transaction of its own, committed as it
    /// ends. On PostgreSQL it saves the round trips of `BEGIN` and `COMMIT`; SQLite, which has
    /// none, runs it in a transaction of the writer's.
    func statement<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    var services: [any Service] { get }
    /// Returns once its services run, which the first read or write needs.
    func servicesStarted() async
    func close() async
}

/// A driver that stores a batch of new signatures, their emails and the deletion of the emails
/// sent in one statement of its own, at less cost than a transaction of several.
protocol InsertsNewSignaturesAtOnce: SQLDriver {
    /// What ``SignatureStore/insertNew(_:queueing:)`` does, for a batch of at least one signature.
    func insertNew(_ signatures: [NewSignature], queueing emails: OutgoingEmails) async throws -> Set<UUID>
}

/// Column types and clauses that are spelled differently.
struct SQLFlavor: Sendable {
    enum Dialect: Sendable {
        case sqlite, postgres
    }

    /// Which database it is, for the few statements only one of them can say (a function in
    /// PL/pgSQL, an aggregate of JSON): everything else depends on what the database can do.
    var dialect: Dialect
    var boolean: String
    var bytes: String
    /// Appended to a `SELECT` that claims rows, so concurrent claimers skip each other's rows.
    var skipLocked: String
    /// Appended to a `SELECT` whose rows the transaction is about to change.
    var lockRows: String
    /// Taken first in the migration transaction so concurrent instances migrate one at a time.
    var migrationLock: String?
    /// Selects one row when the table of applied migrations exists, and none otherwise: a
    /// query of a missing table would fail, and PostgreSQL would log it as an error.
    var schemaExists: String
    /// The bytes of a text column's value.
    var textToBytes: @Sendable (_ column: String) -> String
    /// A literal of no bytes.
    var emptyBytes: String
    /// Creates a table whose rows are worth nothing after a crash: PostgreSQL writes no WAL
    /// for it, so they never reach the log, a replica or a backup.
    var createEphemeralTable: String
    /// Whether several instances may share this database.
    var isShared: Bool
    /// Write transactions worth running at once. SQLite writes one at a time; on PostgreSQL a
    /// transaction's statements can run while the one before waits for its commit.
    var concurrentWrites: Int
    /// A text column in a condition that must not choose its index, so that the rows are
    /// found by the ids the statement names. SQLite plans without statistics, and PostgreSQL
    /// with statistics from before a petition grew: offered the index of a petition's
    /// signatures, PostgreSQL read all 17,576 of them to confirm a batch of 63.
    var notIndexed: @Sendable (_ column: String) -> String
    /// Whether writes can ride in another statement's `WITH` clause, several of them one
    /// round trip. PostgreSQL's round trips go through a busy event loop; SQLite runs in
    /// process and has no data-modifying `WITH`.
    var combinesWrites: Bool
    /// Keeps a column of sealed values, which never compress, in its rows up to a page's size.
    /// PostgreSQL otherwise tries to compress every row over 2 KB, then moves the value to its
    /// TOAST table: a row and an index entry more for each. SQLite has no such step.
    var storedInline: @Sendable (_ table: String, _ column: String) -> [String]
    /// What goes around a subquery after a column, for "the column is among its values", the
    /// subquery run once. PostgreSQL may join `IN (subquery)` in a nested loop that runs the
    /// subquery again for every row; `= ANY (ARRAY(subquery))` is run once, before the rest,
    /// and its values are found through the column's index. SQLite runs an `IN` subquery that
    /// names no outer column once.
    var amongOnce: (open: String, close: String)
    /// Whether a batch's rows are bound a column at a time, as arrays (``BatchRows``).
    var bindsColumns: Bool

    static let sqlite = SQLFlavor(
        dialect: .sqlite, boolean: "INTEGER", bytes: "BLOB", skipLocked: "", lockRows: "", migrationLock: nil,
        schemaExists: "SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        textToBytes: { "CAST(\($0) AS BLOB)" },
        emptyBytes: "X''", createEphemeralTable: "CREATE TABLE", isShared: false, concurrentWrites: 1,
        notIndexed: { "+\($0)" },
        combinesWrites: false, storedInline: { _, _ in [] }, amongOnce: ("IN (", ")"), bindsColumns: false)
    static let postgres = SQLFlavor(
        dialect: .postgres, boolean: "BOOLEAN", bytes: "BYTEA", skipLocked: "FOR UPDATE SKIP LOCKED",
        lockRows: "FOR UPDATE",
        migrationLock: "SELECT pg_advisory_xact_lock(4242001)",
        schemaExists: "SELECT 1 AS one WHERE to_regclass('schema_migrations') IS NOT NULL",
        textToBytes: { "convert_to(\($0), 'UTF8')" },
        emptyBytes: "''::bytea", createEphemeralTable: "CREATE UNLOGGED TABLE", isShared: true,
        concurrentWrites: 2, notIndexed: { "(\($0) || '')" }, combinesWrites: true,
        storedInline: { table, column in
            [
                // Values too big for a page still go out of line, uncompressed.
                "ALTER TABLE \(table) SET (toast_tuple_target = 8160)",
                "ALTER TABLE \(table) ALTER COLUMN \(column) SET STORAGE EXTERNAL",
            ]
        }, amongOnce: ("= ANY (ARRAY(", "))"), bindsColumns: true)
}

extension SQLDriver {
    /// Runs the statements in one transaction, or one alone as a transaction of its own.
    func run(_ statements: [SQLQueryString]) async throws {
        if statements.count == 1, let only = statements.first {
            try await statement { db in try await db.raw(only).run() }
            return
        }
        try await transaction { db in
            for statement in statements { try await db.raw(statement).run() }
        }
    }
}

extension SQLDatabase {
    /// Runs `BEGIN`/`COMMIT` around `body` on a database already pinned to one connection.
    ///
    /// The caller's cancellation does not reach it. Both drivers skip a statement whose task
    /// is cancelled, `ROLLBACK` included: a transaction cut short that way stays open on its
    /// connection, and the next caller's work joins it (PostgreSQL) or every later `BEGIN`
    /// fails (SQLite). Once begun, a transaction runs to its commit or its rollback.
    ///
    /// The transaction's code runs on `executor`: where the connection's answers arrive.
    func inTransaction<Result: Sendable>(
        begin: String = "BEGIN", on executor: any TaskExecutor,
        _ body: @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await withoutActuallyEscaping(body) { body in
            // An unstructured task does not inherit cancellation; it is awaited, so `body`
            // never outlives this call.
            try await Task(executorPreference: executor) { try await self.runTransaction(begin: begin, body) }.value
        }
    }

    private func runTransaction<Result: Sendable>(
        begin: String, _ body: @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await raw("\(unsafeRaw: begin)").run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}
