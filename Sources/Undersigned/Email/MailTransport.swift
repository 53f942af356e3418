import Foundation
import Logging
import NIOPosix

/// Hands a message to the world outside.
public protocol MailTransport: Sendable {
    func send(_ message: EmailMessage) async throws
    /// How many messages it can usefully send at once.
    var parallelism: Int { get }
    /// Closes what it keeps open (connections), once nothing more is sent.
    func shutdown() async
}

extension MailTransport {
    public var parallelism: Int { 1 }
    public func shutdown() async {}
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
public struct FileMailTransport: MailTransport {
    public let directory: URL
    public let composer: MailComposer

    public init(directory: String, composer: MailComposer = MailComposer()) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.composer = composer
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    /// Writes go to NIO's thread pool: each waits for the disk, and on the few threads that run
    /// Swift's tasks that wait would hold up every request.
    public var parallelism: Int { 4 }

    public func send(_ message: EmailMessage) async throws {
        // Named by when it was written, so that the folder lists messages in the order they went out.
        let name = "\(composer.clock.now.millis)-\(message.id.uuidString.lowercased()).eml"
        let final = directory.appendingPathComponent(name)
        let partial = directory.appendingPathComponent(".\(name).partial")
        let bytes = Data(try composer.compose(message).utf8)
        try await NIOThreadPool.singleton.runIfActive {
            try bytes.write(to: partial)
            // Rename so that a reader never sees half a message; a resend after a crash overwrites.
            _ = try? FileManager.default.removeItem(at: final)
            try FileManager.default.moveItem(at: partial, to: final)
        }
    }
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
