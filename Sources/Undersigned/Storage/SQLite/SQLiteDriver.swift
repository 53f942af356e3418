import Foundation
import Logging
import NIOPosix
import SQLKit
import SQLiteKit
import ServiceLifecycle
import Synchronization

/// SQLite in WAL mode in one file: one connection for writes, taken in turn, and a few for
/// reads, which WAL lets run beside the writer. SQLite calls block their thread, so the
/// connections have threads of their own: a writer waiting on another process's lock (a
/// command run beside the server) never holds up the readers, nor another handle's writer.
///
/// A write transaction runs wholly on the writer's thread, its Swift code as well as its
/// statements: a statement then starts and its result is read without waking another
/// thread. Under load, each such wake-up waited for a busy core, and a transaction of four
/// statements held the write lock for several times its own work.
final class SQLiteDriver: SQLDriver {
    let flavor = SQLFlavor.sqlite
    var services: [any Service] { [] }
    func servicesStarted() async {}

    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    /// Walks through many rows on a connection of its own with a small page cache: spread over
    /// the readers, an export of a million signatures filled each one's cache (2 MB), and the
    /// server kept 8 MB more for good.
    private let scanner: SQLiteConnection
    private let nextReader = Atomic<Int>(0)
    private let writeLock = AsyncLock()
    private let writerThread: ThreadPoolTaskExecutor
    private let threads: NIOThreadPool
    private let logger: Logger

    init(path: String, readerCount: Int = 4, logger: Logger) async throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: readerCount)
        threads.start()
        writerThread = ThreadPoolTaskExecutor(NIOThreadPool(numberOfThreads: 1))
        writerThread.pool.start()
        self.writer = try await Self.open(path: path, threads: writerThread.pool, logger: logger)
        // WAL: readers never wait for the writer. FULL: a commit is on disk before it is acknowledged.
        // Temporary storage in memory: the statement journal that each multi-row insert keeps,
        // in case it must be undone alone, is otherwise written to a temporary file. The
        // writer's transactions are batches of bounded size, so what it keeps there is small.
        // A checkpoint every 10,000 pages (40 MB of log) instead of 1,000: the pages every batch
        // changes (counters, the log's head, the outbox) are copied into the database once per
        // checkpoint, so a tenth as often.
        for pragma in [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA temp_store = MEMORY",
            "PRAGMA wal_autocheckpoint = 10000",
        ] {
            try await writer.sql().raw("\(unsafeRaw: pragma)").run()
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            readers.append(try await Self.open(path: path, threads: threads, logger: logger))
        }
        self.readers = readers
        scanner = try await Self.open(path: path, threads: threads, logger: logger)
        try await scanner.sql().raw("PRAGMA cache_size = -\(unsafeRaw: String(Self.scanCacheKiB))").run()
    }

    static let scanCacheKiB = 256

    private static func open(path: String, threads: NIOThreadPool, logger: Logger) async throws -> SQLiteConnection {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threads, logger: quiet,
            on: MultiThreadedEventLoopGroup.singleton.any())
        for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA foreign_keys = ON"] {
            try await connection.sql().raw("\(unsafeRaw: pragma)").run()
        }
        return connection
    }

    func read<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await body(readers[index % readers.count].sql(queryLogLevel: nil))
    }

    func scan<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await body(scanner.sql(queryLogLevel: nil))
    }

    func transaction<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        try await writeLock.withLock {
            try await writer.sql(queryLogLevel: nil).inTransaction(begin: "BEGIN IMMEDIATE", on: writerThread, body)
        }
    }

    func statement<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        try await transaction(body)
    }

    func close() async {
        let connections = readers + [scanner, writer]
        let pools = [threads, writerThread.pool]
        // Closing must happen even when the caller was cancelled, or the handles leak.
        await Task.detached {
            for connection in connections {
                try? await connection.close()
            }
            for pool in pools {
                try? await pool.shutdownGracefully()
            }
        }.value
    }
}
