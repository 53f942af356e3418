import Foundation
import Logging
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hands a message to the world outside.
public protocol MailTransport: Sendable {
    func send(_ message: EmailMessage) async throws
    /// How many messages it can usefully send at once.
    var parallelism: Int { get }
    /// The thread of a transport whose sends block the thread they run on: the outbox sends
    /// through it there, one message after another. `nil` for one that never blocks.
    var executor: (any TaskExecutor)? { get }
    /// Closes what it keeps open (connections), once nothing more is sent.
    func shutdown() async
    /// Sends one message after another, as ``send(_:)`` would, until `next` has no more:
    /// `message` makes each one, and `done` is told whether it went out (`nil`) or why not.
    /// A transport that keeps something from one message to the next (a connection, the
    /// thread that serves it) keeps it for the whole run instead of taking it again for each.
    func sendInTurn<Item: Sendable>(
        next: @Sendable () -> Item?, message: @Sendable (Item) async throws -> EmailMessage,
        done: @Sendable (Item, (any Error)?) async -> Void
    ) async
}

extension MailTransport {
    public var parallelism: Int { 1 }
    public var executor: (any TaskExecutor)? { nil }
    public func shutdown() async {}

    public func sendInTurn<Item: Sendable>(
        next: @Sendable () -> Item?, message: @Sendable (Item) async throws -> EmailMessage,
        done: @Sendable (Item, (any Error)?) async -> Void
    ) async {
        while let item = next() {
            do {
                try await send(try await message(item))
                await done(item, nil)
            } catch {
                await done(item, error)
            }
        }
    }
}

/// Why a message was not delivered, in words that are safe to store and show an admin:
/// never the recipient's address, never the content.
public protocol MailDeliveryError: Error {
    /// The receiving server refused this message for good (a 5xx reply to it).
    var isPermanent: Bool { get }
    /// The SMTP reply code, when a server answered.
    var replyCode: Int? { get }
    var summary: String { get }
}

/// Writes each message as an `.eml` file (RFC 5322) into a directory: development and tests.
/// Files are not forced to disk one by one: a machine that loses power may lose the last
/// messages written, which a development mailbox can afford, and a busy outbox then costs
/// a write and a link per message.
public struct FileMailTransport: MailTransport {
    public let directory: URL
    public let composer: MailComposer
    private let path: String

    public init(directory: String, composer: MailComposer = MailComposer()) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.path = self.directory.path
        self.composer = composer
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    /// A write may wait for the disk, and on the few threads that run Swift's tasks that wait
    /// would hold up everything else: the outbox writes on this thread of its own, composing
    /// there too. Handing each message to another thread and back cost more than writing it.
    public var executor: (any TaskExecutor)? { Self.thread }

    private static let thread: ThreadPoolTaskExecutor = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return ThreadPoolTaskExecutor(pool)
    }()

    /// Blocks its thread while it writes: see ``executor``.
    public func send(_ message: EmailMessage) async throws {
        // Named by when it was written, so that the folder lists messages in the order they went out.
        let name = "\(composer.clock.now.millis)-\(message.id.text).eml"
        let final = "\(path)/\(name)"
        var text = try composer.compose(message)
        try text.withUTF8 { bytes in
            if try Self.writeUnnamed(bytes, into: path, as: final) { return }
            // Renamed so that a reader never sees half a message; a resend after a crash replaces it.
            let partial = "\(path)/.\(name).partial"
            try Self.writeNamed(bytes, to: partial)
            guard rename(partial, final) == 0 else { throw MailFileError(operation: "rename", code: errno) }
        }
    }

    /// Writes into a file that has no name until it is whole, then names it: the folder changes
    /// once, where a named partial file renamed changes it twice, each change a search of a
    /// folder of thousands of messages. False where the system cannot (no `O_TMPFILE`, or a
    /// kernel that links only privileged descriptors and no `/proc`) or the name is taken: the
    /// caller then writes and renames.
    private static func writeUnnamed(_ bytes: UnsafeBufferPointer<UInt8>, into directory: String, as final: String)
        throws -> Bool
    {
        #if os(Linux) && (arch(x86_64) || arch(arm64))
            // Glibc's O_TMPFILE is a macro Swift does not import; its value on these architectures.
            let unnamedFile: Int32 = 0o20_000_000 | O_DIRECTORY
            let file = open(directory, unnamedFile | O_WRONLY | O_CLOEXEC, 0o600)
            guard file >= 0 else { return false }
            defer { close(file) }
            try writeAll(bytes, to: file)
            // Linked by its descriptor where the kernel lets this process (newer ones let the
            // file's opener; older ones only a privileged process), through /proc otherwise:
            // that path's lookup was nearly half of what naming a message cost.
            let emptyPath: Int32 = 0x1000  // Glibc's AT_EMPTY_PATH, which Swift does not import
            if linkat(file, "", AT_FDCWD, final, emptyPath) == 0 { return true }
            if errno == ENOENT || errno == EPERM,
                linkat(AT_FDCWD, "/proc/self/fd/\(file)", AT_FDCWD, final, AT_SYMLINK_FOLLOW) == 0
            {
                return true
            }
            switch errno {
            case ENOENT, EEXIST, EPERM, EXDEV: return false
            default: throw MailFileError(operation: "name", code: errno)
            }
        #else
            return false
        #endif
    }

    private static func writeNamed(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) throws {
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw MailFileError(operation: "open", code: errno) }
        defer { close(file) }
        try writeAll(bytes, to: file)
    }

    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to file: Int32) throws {
        var written = 0
        while written < bytes.count {
            let result = write(file, bytes.baseAddress?.advanced(by: written), bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw MailFileError(operation: "write", code: errno)
            }
            written += result
        }
    }
}

/// A message file that could not be written, with the system's reason.
struct MailFileError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32

    var description: String { "cannot \(operation) a message file: \(String(cString: strerror(code)))" }
}

/// Logs that a message went out, never its content: for load tests and dry runs.
public struct LogMailTransport: MailTransport {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func send(_ message: EmailMessage) async throws {
        logger.info(
            "email sent to the log transport",
            metadata: ["email.id": "\(message.id)", "email.bytes": "\(message.textBody.utf8.count)"])
    }
}
