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
final class SQLiteDriver: SQLDriver {
    let flavor = SQLFlavor.sqlite
    var services: [any Service] { [] }

    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    private let writeLock = AsyncLock()
    private let threads: NIOThreadPool
    private let logger: Logger

    init(path: String, readerCount: Int = 4, logger: Logger) async throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: readerCount + 1)
        threads.start()
        self.writer = try await Self.open(path: path, threads: threads, logger: logger)
        // WAL: readers never wait for the writer. FULL: a commit is on disk before it is acknowledged.
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"] {
            try await writer.sql().raw("\(unsafeRaw: pragma)").run()
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            readers.append(try await Self.open(path: path, threads: threads, logger: logger))
        }
        self.readers = readers
    }

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

    func transaction<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        await writeLock.lock()
        defer { writeLock.unlock() }
        return try await writer.sql(queryLogLevel: nil).inTransaction(begin: "BEGIN IMMEDIATE", body)
    }

    func close() async {
        let connections = readers + [writer]
        let threads = self.threads
        // Closing must happen even when the caller was cancelled, or the handles leak.
        await Task.detached {
            for connection in connections {
                try? await connection.close()
            }
            try? await threads.shutdownGracefully()
        }.value
    }
}
