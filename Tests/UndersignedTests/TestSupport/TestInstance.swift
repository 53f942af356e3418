import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing

@testable import Undersigned

/// An Undersigned instance for one test: its own directory, database, mail folder and secret,
/// and a clock that the abuse defences read and only the test moves.
struct TestInstance: Sendable {
    private let scratch: ScratchDirectory
    var directory: URL { scratch.url }
    let settings: Settings
    let clock: ManualClock

    static let seedSlug = "syria-children-un-investigation"
    static let seedPath = "/p/\(seedSlug)"

    /// - Parameter configure: changes to the test settings (to mail through SMTP, say), given the
    ///   instance's directory. By default the client address is taken from `X-Forwarded-For`,
    ///   which each ``Browser`` sets to an address of its own, and a proof of work is asked only
    ///   past 10,000 sign requests a minute, so that tests of other things can sign in a crowd
    ///   without one.
    init(_ database: TestDatabase, configure: (inout Settings, URL) throws -> Void = { _, _ in }) async throws {
        let scratch = try ScratchDirectory(named: "undersigned-test")
        let directory = scratch.url
        self.scratch = scratch
        var settings = Settings()
        settings.port = 0
        settings.database = try await database.makeEmpty(in: directory)
        settings.baseURL = URL(string: "http://undersigned.test")!
        settings.mailDirectory = directory.appendingPathComponent("mail").path
        settings.dataDirectory = directory.path
        settings.logLevel = .warning
        settings.trustForwardedFor = true
        settings.proofOfWorkCalmRate = 10_000
        // bcrypt's cheapest cost: tests check what is hashed, not how slowly.
        settings.passwordHashCost = 4
        // The live count once, not a stream: clients that read whole bodies get one.
        settings.liveCountDuration = .zero
        try configure(&settings, directory)
        self.settings = settings
        // Noon UTC, so that no test's moves of the clock cross midnight, when address keys change.
        let today = Date().timeIntervalSince1970
        self.clock = ManualClock(
            Date(timeIntervalSince1970: today - today.truncatingRemainder(dividingBy: 86_400) + 43_200))
    }

    private init(scratch: ScratchDirectory, settings: Settings, clock: ManualClock) {
        self.scratch = scratch
        self.settings = settings
        self.clock = clock
    }

    /// Another instance on the same database, with the same secret, mail folder and clock.
    func sibling() -> TestInstance {
        TestInstance(scratch: scratch, settings: settings, clock: clock)
    }

    /// Builds the application and drives it through HTTP; services (writer, outbox) run meanwhile.
    /// `.live` runs a real server on a free loopback port.
    func run<Value: Sendable>(
        _ mode: TestingSetup = .router, logger: Logger? = nil, _ test: @Sendable (Browser) async throws -> Value
    ) async throws -> Value {
        let logger = logger ?? defaultLogger
        let app = try await StallReport.during("building the \(name)") {
            ReportedApplication(
                app: try await buildApplication(settings: settings, logger: logger, clock: clock.wallClock), name: name)
        }
        let mailbox = Mailbox(directory: URL(fileURLWithPath: settings.mailDirectory))
        return try await StallReport.during("serving the \(name)") {
            try await app.test(mode) { client in
                try await StallReport.during("testing the \(name)") {
                    try await test(Browser(client: client, mailbox: mailbox))
                }
            }
        }
    }

    /// Serves the application as `undersigned serve` does, its server's configuration whole
    /// (`.live` binds its own and drops the connection limit), on a loopback port given to `test`.
    func serve<Value: Sendable>(_ test: @Sendable (Int) async throws -> Value) async throws -> Value {
        var settings = settings
        settings.hostname = "127.0.0.1"
        settings.port = 0
        let logger = defaultLogger
        let ports = AsyncStream<Int>.makeStream()
        let app = try await StallReport.during("building the \(name)") {
            ReportedApplication(
                app: try await buildApplication(settings: settings, logger: logger, clock: clock.wallClock), name: name,
                listening: { ports.continuation.yield($0) })
        }
        // Should the server stop before it listens, the wait for its port ends too.
        let served = EndingService(service: app) { ports.continuation.finish() }
        return try await running(served) { _ in
            var listening = ports.stream.makeAsyncIterator()
            guard let port = await listening.next() else {
                throw ServingFailure(description: "the \(name) stopped before it listened")
            }
            return try await StallReport.during("testing the \(name)") { try await test(port) }
        }
    }

    private struct EndingService: Service {
        let service: any Service
        let ended: @Sendable () -> Void

        func run() async throws {
            defer { ended() }
            try await service.run()
        }
    }

    private struct ServingFailure: Error, CustomStringConvertible {
        var description: String
    }

    private var defaultLogger: Logger {
        var logger = Logger(label: "undersigned.test")
        logger.logLevel = settings.logLevel
        return logger
    }

    private var name: String {
        switch settings.database {
        case .sqlite(let path): "instance on \(path)"
        case .postgres(let location): "instance on PostgreSQL \(location.database)"
        }
    }
}

/// Reads what the file transport wrote.
struct Mailbox: Sendable {
    let directory: URL

    struct Message: Sendable {
        var to: String
        var subject: String
        var raw: String

        var confirmationPath: String? { path(after: "confirm") }
        var withdrawalPath: String? { path(after: "withdraw") }

        private func path(after prefix: String) -> String? {
            guard
                let range = raw.range(
                    of: #"http://undersigned\.test(/"# + prefix + #"/[A-Za-z0-9_-]+)"#, options: .regularExpression)
            else {
                return nil
            }
            return String(raw[range].dropFirst("http://undersigned.test".count))
        }
    }

    func messages() -> [Message] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.sorted().compactMap { name in
            guard let raw = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
                return nil
            }
            // Unfold continuation lines, then read the headers before the blank line.
            let head = raw.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
            func header(_ field: String) -> String {
                head.components(separatedBy: "\r\n").first { $0.hasPrefix("\(field): ") }.map {
                    String($0.dropFirst(field.count + 2))
                } ?? ""
            }
            // The address between angle brackets; the text part decoded from quoted-printable.
            let to = header("To").split(separator: "<").last.map { String($0.dropLast()) } ?? ""
            return Message(
                to: to, subject: Self.decodeEncodedWords(header("Subject")), raw: Self.decodeQuotedPrintable(raw))
        }
    }

    /// RFC 2047 `=?utf-8?B?…?=` words, as the platform writes non-ASCII headers.
    static func decodeEncodedWords(_ header: String) -> String {
        header.split(separator: " ").map { word -> String in
            guard word.hasPrefix("=?utf-8?B?"), word.hasSuffix("?="),
                let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            else { return String(word) + " " }
            return String(decoding: data, as: UTF8.self)
        }.joined().trimmingCharacters(in: .whitespaces)
    }

    static func decodeQuotedPrintable(_ text: String) -> String {
        let joined = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < joined.count {
            if joined[index] == UInt8(ascii: "="), index + 2 < joined.count,
                let value = UInt8(String(decoding: joined[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(joined[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func messages(to address: String) -> [Message] {
        messages().filter { $0.to == address }
    }

    /// Waits until `count` messages have reached `address`.
    func waitForMessages(to address: String, count: Int = 1, timeout: Duration = .seconds(60)) async throws -> [Message]
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = messages(to: address)
            if found.count >= count { return found }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("expected \(count) email(s) to \(address), found \(messages(to: address).count)")
        throw MailboxTimeout()
    }

    /// Waits until the mailbox holds at least `count` messages in all.
    func waitForTotal(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [Message] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let all = messages()
            if all.count >= count { return all }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("expected \(count) emails, found \(messages().count)")
        throw MailboxTimeout()
    }

    struct MailboxTimeout: Error {}
}

/// A directory of its own under the temporary directory, removed with everything in it once
/// nothing holds it any more.
final class ScratchDirectory: Sendable {
    let url: URL

    init(named prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
