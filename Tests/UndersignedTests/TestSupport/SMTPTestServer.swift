import Foundation
import Testing

/// A real SMTP server (aiosmtpd, `scripts/test-smtp/server.py`) on a free loopback port,
/// started for one test and always stopped; it writes what it receives to a directory.
/// `scripts/test` provides the Python that runs it; without it these tests are skipped,
/// unless `UNDERSIGNED_TEST_REQUIRE_POSTGRES` says the whole suite must run.
final class SMTPTestServer: Sendable {
    let port: Int
    let directory: URL
    private let process: ChildProcess

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/test-smtp")

    static var python: String? { ProcessInfo.processInfo.environment["UNDERSIGNED_TEST_SMTP_PYTHON"] }
    static var certificate: String { ProcessInfo.processInfo.environment["UNDERSIGNED_TEST_SMTP_CERT"] ?? "" }
    static var certificateKey: String { ProcessInfo.processInfo.environment["UNDERSIGNED_TEST_SMTP_KEY"] ?? "" }

    static var isAvailable: Bool {
        if let python, FileManager.default.isExecutableFile(atPath: python) { return true }
        precondition(
            ProcessInfo.processInfo.environment["UNDERSIGNED_TEST_REQUIRE_POSTGRES"] != "1",
            "scripts/test runs every test, but UNDERSIGNED_TEST_SMTP_PYTHON names no Python with aiosmtpd")
        return false
    }

    static let skipReason: Comment = "needs an SMTP server: run scripts/test, which sets UNDERSIGNED_TEST_SMTP_PYTHON"

    /// Runs `body` with a server of this behaviour (see server.py), then stops it.
    static func with<Value: Sendable>(
        _ behaviour: String, _ options: [String] = [], _ body: (SMTPTestServer) async throws -> Value
    ) async throws -> Value {
        // Starting and stopping wait on the server's process: off the tests' shared threads.
        let server = try await offThePool { try SMTPTestServer(behaviour: behaviour, options: options) }
        do {
            let value = try await body(server)
            _ = try? await offThePool { server.stop() }
            return value
        } catch {
            _ = try? await offThePool { server.stop() }
            throw error
        }
    }

    /// Options that turn on TLS with the throwaway certificate of scripts/test.
    static var tlsOptions: [String] { ["--cert", certificate, "--key", certificateKey] }

    private init(behaviour: String, options: [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID())")
        process = try ChildProcess(
            Self.python!, [Self.scripts.appendingPathComponent("server.py").path, behaviour, directory.path] + options,
            withInput: true)
        // The server prints its port once it listens.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = process.output.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.kill()
            process.waitUntilExit()
            throw StartFailure()
        }
        self.port = port
    }

    struct StartFailure: Error {}

    /// Closing its input asks the server to stop; one that does not is killed. What it
    /// received goes with it.
    func stop() {
        try? process.input?.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        process.kill()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Received: Sendable {
        var content: Data
        var file: URL
        var mailFrom: String
        var recipients: [String]
        var login: String?
        var tls: Bool
    }

    /// Messages accepted so far, in order.
    func received() -> [Received] {
        var messages: [Received] = []
        var number = 1
        while let content = try? Data(contentsOf: directory.appendingPathComponent("\(number).eml")),
            let envelope = try? Data(contentsOf: directory.appendingPathComponent("\(number).json")),
            let fields = try? JSONSerialization.jsonObject(with: envelope) as? [String: Any]
        {
            messages.append(
                Received(
                    content: content, file: directory.appendingPathComponent("\(number).eml"),
                    mailFrom: fields["mail_from"] as? String ?? "",
                    recipients: fields["rcpt_tos"] as? [String] ?? [], login: fields["login"] as? String,
                    tls: fields["tls"] as? Bool ?? false))
            number += 1
        }
        return messages
    }

    /// The outcome of every DATA the server answered: "250", "451", "dropped".
    func dataOutcomes() -> [String] {
        events().filter { $0 != "hello" }
    }

    /// In order, "hello" for every EHLO (one each connection, and one more after STARTTLS)
    /// and the outcome of every DATA.
    func events() -> [String] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let fields = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return fields["event"] as? String == "hello" ? "hello" : fields["outcome"] as? String
        }
    }

    /// What an independent parser (Python's email package) and DKIM verifier make of a message.
    struct Inspection: Decodable {
        var subject: String
        var from: String
        var to: String
        var replyTo: String?
        var contentType: String
        var defects: [String]
        var text: String?
        var html: String?
        var dkim: Bool?
    }

    static func inspect(_ file: URL, dkimRecord: String? = nil) async throws -> Inspection {
        let (data, _) = try await ChildProcess.run(
            python!,
            [scripts.appendingPathComponent("read_message.py").path, file.path] + (dkimRecord.map { [$0] } ?? []))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Inspection.self, from: data)
    }
}
