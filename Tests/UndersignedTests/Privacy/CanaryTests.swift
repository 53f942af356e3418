import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Signs with a unique name, address, client address and browser, then looks for them in
/// clear text everywhere the platform writes: the database files and every log line.
@Suite("Nothing about a signer in clear")
struct CanaryTests {
    static let name = "Zainab Canary 9c1e"
    static let email = "zainab.canary-9c1e@example.org"
    static let clientAddress = "198.51.100.73"
    static let userAgent = "CanaryBrowser/9c1e"
    static let pendingEmail = "pending.canary-9c1e@example.org"

    @Test(
        "a signer's name, address, client address and browser appear in no database file and no log line",
        arguments: TestDatabase.all)
    func canary(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let logs = LogCapture()
        let headers: HTTPFields = [.userAgent: Self.userAgent, HTTPField.Name("X-Forwarded-For")!: Self.clientAddress]
        let (stored, mail) = try await instance.run(.live, logger: logs.logger()) { browser in
            for email in [Self.email, Self.pendingEmail] {
                let page = try await browser.get(TestInstance.seedPath, headers: headers)
                let form = [
                    ("csrf", try #require(page.field("csrf"))), ("name", Self.name), ("email", email),
                    ("country", "SY"),
                ]
                let signed = try await browser.post(try #require(page.formAction), form: form, headers: headers)
                #expect(signed.status == .seeOther)
            }
            let link = try #require(try await browser.mailbox.waitForMessages(to: Self.email).first?.confirmationPath)
            let confirmPage = try await browser.get(link, headers: headers)
            let confirmed = try await browser.post(
                link, form: [("csrf", try #require(confirmPage.field("csrf")))], headers: headers)
            #expect(confirmed.status == .seeOther)
            _ = try await browser.mailbox.waitForMessages(to: Self.email, count: 2)
            #expect(try await browser.apiCount() == 1)
            return (
                try await Self.storedBytes(instance.settings.database), browser.mailbox.messages().map(\.raw).joined()
            )
        }

        // The scans can see the canaries: the emails themselves carry them to the signer.
        #expect(mail.contains(Self.email) && mail.contains(Self.name))
        #expect(!stored.isEmpty)
        #expect(!logs.text.isEmpty)
        for canary in [
            Self.name, "Zainab", Self.email, "zainab.canary", Self.pendingEmail, Self.clientAddress, Self.userAgent,
        ] {
            // pg_dump writes binary columns in hex: look for that spelling too.
            let hex = Data(canary.utf8.hex.utf8)
            for (file, bytes) in stored {
                #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(canary) found in \(file)")
                #expect(bytes.range(of: hex) == nil, "\(canary) found in hex in \(file)")
            }
            #expect(!logs.text.contains(canary), "\(canary) found in the logs")
        }
        // After shutdown too, when SQLite has checkpointed its write-ahead log.
        for (file, bytes) in try await Self.storedBytes(instance.settings.database) {
            #expect(bytes.range(of: Data(Self.email.utf8)) == nil, "\(Self.email) found in \(file) after shutdown")
        }
    }

    /// The database's files (SQLite) or a full dump (PostgreSQL), by name.
    static func storedBytes(_ location: DatabaseLocation) async throws -> [String: Data] {
        switch location {
        case .sqlite(let path):
            var files: [String: Data] = [:]
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                files[file] = try Data(contentsOf: URL(fileURLWithPath: file))
            }
            return files
        case .postgres(let server):
            let (data, status) = try await ChildProcess.run(
                ProcessInfo.processInfo.environment["UNDERSIGNED_TEST_PG_DUMP"] ?? "/usr/bin/pg_dump",
                [
                    "--host", server.host, "--port", String(server.port), "--username", server.username, "--no-owner",
                    server.database,
                ],
                environment: server.password.map { ["PGPASSWORD": $0] })
            #expect(status == 0, "pg_dump failed")
            #expect(
                String(decoding: data, as: UTF8.self).contains("CREATE TABLE public.signatures"),
                "the dump holds the schema")
            return ["pg_dump of \(server.database)": data]
        }
    }
}
