import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import ServiceLifecycle

/// PostgreSQL through PostgresNIO's connection pool, which runs as a service.
final class PostgresDriver: SQLDriver {
    let flavor = SQLFlavor.postgres
    let client: PostgresClient
    private let logger: Logger
    private let quietLogger: Logger
    /// Marked as the pool starts: a lease before then waits all the same, but draws the
    /// pool's warning that it was never started.
    private let poolStarted = Readiness()
    var services: [any Service] { [ConnectionPoolService(client: client, started: poolStarted, logger: logger)] }

    init(location: PostgresLocation, logger: Logger) {
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: location.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        // Every release of a connection starts its idle timer and its keep-alive timer; the next
        // lease cancels them. A cancelled sleep still holds its task and timer until its
        // deadline, so memory grows with the rate of leases times these delays: under load, 10 MB
        // more while confirming with the defaults (60 s idle, a keep-alive query every 30 s). A
        // connection idle for 10 s closes instead, before anything between here and the database
        // would drop it, so it needs no keep-alive query; a busy pool keeps its connections.
        configuration.options.maximumConnections = 16
        configuration.options.connectionIdleTimeout = .seconds(10)
        configuration.options.keepAliveBehavior = nil
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        self.quietLogger = quiet
        self.client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
    }

    func read<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    /// PostgreSQL's buffers are the server's, shared by every connection and outside this process.
    func scan<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await read(body)
    }

    func transaction<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        // On the connection's event loop, where its answers arrive: a statement's result is
        // read there, without waking a thread of the global executor for each.
        try await client.withConnection { connection in
            try await connection.sql(queryLogLevel: nil).inTransaction(
                on: EventLoopTaskExecutor(loop: connection.eventLoop), body)
        }
    }

    func statement<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        // On the connection's event loop, as a transaction's statements are.
        try await client.withConnection { connection in
            try await withTaskExecutorPreference(EventLoopTaskExecutor(loop: connection.eventLoop)) {
                try await body(connection.sql(queryLogLevel: nil))
            }
        }
    }

    /// Runs `statement` as a transaction of its own, prepared: parsed and planned once per
    /// connection, not at every run.
    func prepared<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row]
    where Statement.Row: Sendable {
        // On the connection's event loop, as a transaction's statements are.
        try await client.withConnection { connection in
            try await withTaskExecutorPreference(EventLoopTaskExecutor(loop: connection.eventLoop)) {
                var rows: [Statement.Row] = []
                for try await row in try await connection.execute(statement, logger: quietLogger) { rows.append(row) }
                return rows
            }
        }
    }

    func servicesStarted() async {
        _ = await poolStarted.wait()
    }

    func close() async {}
}

/// Runs the connection pool until shutdown, then closes it, waiting for that at most
/// `closeTimeout`. PostgresNIO's pool (1.33.2) now and then stays in `run()` after it is told
/// to stop, with no connection left open and nothing left to wait for: a shutdown that waits
/// for it never ends, and neither does the process. The pool runs in a task of its own so that
/// a pool stuck that way can be left behind.
struct ConnectionPoolService: Service {
    let client: PostgresClient
    let started: Readiness
    let logger: Logger
    var closeTimeout: Duration = .seconds(5)

    func run() async throws {
        let pool = Task { [started] in
            started.markReady()
            await client.run()
        }
        // Returns at graceful shutdown, or at once when cancelled.
        try? await gracefulShutdown()
        pool.cancel()
        if await !pool.finishes(within: closeTimeout) {
            logger.warning(
                "the database connection pool did not close in time; the process goes on without it",
                metadata: ["timeout": "\(closeTimeout)"])
        }
    }
}
