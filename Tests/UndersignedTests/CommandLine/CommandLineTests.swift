import Foundation
import Testing

@testable import Undersigned

/// The `undersigned` executable, built beside these tests, run as an operator runs it.
enum CommandLineTool {
    static var path: String {
        #if os(Linux)
            let tests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
            let tests =
                Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL ?? Bundle.main.bundleURL
        #endif
        return tests.deletingLastPathComponent().appendingPathComponent("undersigned").path
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "no executable at \(CommandLineTool.path): build the package first (swift build)" }
    }

    /// Runs it with `environment` as its whole environment; returns what it printed (to
    /// standard error too, `withErrors`) and its exit status.
    static func run(_ arguments: [String], environment: [String: String] = [:], withErrors: Bool = true) async throws
        -> (output: String, status: Int32)
    {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing() }
        let (data, status) = try await ChildProcess.run(
            path, arguments, environment: environment, withErrors: withErrors)
        return (String(decoding: data, as: UTF8.self), status)
    }
}

extension DatabaseLocation {
    /// The URL that names this database on the command line.
    var url: String {
        switch self {
        case .sqlite(let path):
            return "sqlite://\(path)"
        case .postgres(let server):
            let encode = { (text: String) in
                text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting([":"])) ?? text
            }
            let credentials = encode(server.username) + (server.password.map { ":" + encode($0) } ?? "")
            return "postgres://\(credentials)@\(server.host):\(server.port)/\(server.database)"
        }
    }
}

@Suite("Command line")
struct CommandLineTests {
    /// Exit status of an argument parser's usage error.
    static let usageError: Int32 = 64

    @Test("every command that opens the instance lists every setting in its help")
    func help() async throws {
        for command in [
            "serve", "migrate", "purge", "outbox", "keygen", "rotate-keys", "verify-log", "review", "invalidate",
            "export", "deliver", "target-link", "create-admin", "assign-petition", "import-paper", "void-paper",
            "paper-batches",
        ] {
            let (output, status) = try await CommandLineTool.run([command, "--help"])
            #expect(status == 0, "\(command) --help")
            for setting in SettingsTable.help {
                #expect(output.contains(setting.synopsis), "\(command) --help lacks \(setting.synopsis)")
            }
            for setting in SettingsTable.all {
                #expect(output.contains(setting.variable), "\(command) --help lacks \(setting.variable)")
            }
        }
        let (root, _) = try await CommandLineTool.run(["--help"])
        #expect(root.contains("settings") && root.contains("serve (default)"))
    }

    @Test("`settings --markdown` prints the README's table of settings")
    func markdown() async throws {
        let (output, status) = try await CommandLineTool.run(["settings", "--markdown"])
        #expect(status == 0)
        #expect(output == SettingsTable.markdown + "\n")
        let (plain, _) = try await CommandLineTool.run(["settings"])
        #expect(plain.contains("--port <number>\n    port to listen on (UNDERSIGNED_PORT;"))
    }

    @Test("a bad setting stops a command with a message naming its flag and variable; a flag beats its variable")
    func refusals() async throws {
        let scratch = try ScratchDirectory(named: "cli")
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let database = ["--database", "sqlite://\(directory.path)/test.sqlite"]
        // Through `serve`, the default command, which stops before serving anything.
        let (flag, flagStatus) = try await CommandLineTool.run(["--port", "70000"])
        #expect(flagStatus == Self.usageError)
        #expect(flag.contains("--port (UNDERSIGNED_PORT) must be a whole number from 0 to 65535, not \"70000\""))
        let (variable, variableStatus) = try await CommandLineTool.run(
            ["migrate"] + database, environment: ["UNDERSIGNED_MAIL_TRANSPORT": "pigeon"])
        #expect(variableStatus == Self.usageError)
        #expect(variable.contains("--mail-transport (UNDERSIGNED_MAIL_TRANSPORT) must be one of file, log, smtp"))
        let (unknown, unknownStatus) = try await CommandLineTool.run(["migrate", "--prot", "1"] + database)
        #expect(unknownStatus == Self.usageError)
        #expect(unknown.contains("unknown option --prot"))
        let (overridden, overriddenStatus) = try await CommandLineTool.run(
            ["migrate", "--mail-transport", "log"] + database, environment: ["UNDERSIGNED_MAIL_TRANSPORT": "pigeon"])
        #expect(overriddenStatus == 0, "\(overridden)")
        #expect(overridden.hasPrefix("database schema at version"))
    }

    @Test(
        "a command pointed at no database of Undersigned's says so, and creates nothing there",
        arguments: TestDatabase.all)
    func noDatabase(database: TestDatabase) async throws {
        let scratch = try ScratchDirectory(named: "cli")
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let location = try await database.makeEmpty(in: directory)
        func refusal(_ location: DatabaseLocation) async throws -> String {
            let (output, status) = try await CommandLineTool.run(
                ["verify-log", "--database", location.url, "--data-dir", directory.path])
            #expect(status == Self.usageError, "\(output)")
            #expect(output.contains("run `undersigned migrate` first, or name another with --database"), "\(output)")
            return output
        }
        let noSchema = "the database has no Undersigned schema"
        switch location {
        case .sqlite(let path):
            #expect(try await refusal(location).contains("no database at \(path)"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
            // A file that is there but holds no schema: a mistyped path to another file, say.
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            #expect(try await refusal(location).contains(noSchema))
        case .postgres:
            #expect(try await refusal(location).contains(noSchema))
        }
        // No key was made for a database that is not there.
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("undersigned-log.key").path))
    }

    @Test(
        "the commands work on an instance from its settings, opening only the keys they need",
        arguments: TestDatabase.all)
    func commands(database: TestDatabase) async throws {
        let scratch = try ScratchDirectory(named: "cli")
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let location = try await database.makeEmpty(in: directory)
        let settings = ["--database", location.url, "--data-dir", directory.path]
        let seed = TestInstance.seedSlug
        func run(_ arguments: [String], environment: [String: String] = [:], status: Int32 = 0) async throws -> String {
            // What a command prints on success, without the log lines of standard error.
            let (output, exit) = try await CommandLineTool.run(
                arguments + settings, environment: environment, withErrors: status != 0)
            #expect(exit == status, "undersigned \(arguments.joined(separator: " ")): \(output)")
            return output
        }
        func exists(_ name: String) -> Bool {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
        }

        #expect(
            try await run(["migrate"]) == "database schema at version \(Migrations.all.map(\.version).max() ?? 0)\n")
        #expect(try await run(["outbox"]).hasPrefix("queued: 0, failed: 0"))
        #expect(try await run(["purge"]).hasPrefix("deleted 0 unconfirmed signature(s) older than 7 days"))
        // None of these needed the secret or a key, so none was created.
        #expect(!exists("undersigned.secret") && !exists("undersigned.keys") && !exists("undersigned-log.key"))

        let admin = try await run(
            ["create-admin", "--email", "rania@example.org", "--password-hash-cost", "4"],
            environment: ["UNDERSIGNED_ADMIN_PASSWORD": "a long enough passphrase"])
        #expect(admin.contains("created admin account") && admin.contains("(rania)"))
        #expect(admin.contains("sign in at http://127.0.0.1:8080/account/sign-in"))
        #expect(exists("undersigned.secret") && exists("undersigned.keys"))

        let link = try await run([
            "target-link", "--petition", seed, "--target", "1", "--base-url", "https://sign.test",
        ])
        #expect(link.contains("private link for") && link.contains("https://sign.test/t/"))
        #expect(
            try await run(["target-link", "--petition", seed, "--target", "1", "--revoke"]).hasPrefix(
                "revoked 1 link(s)"))
        #expect(
            try await run(["target-link", "--petition", seed, "--target", "9"], status: Self.usageError).contains(
                "target(s)")
        )

        #expect(
            try await run(["review", "--petition", seed]).hasPrefix("signatures of the last 24 hour(s) by email domain")
        )
        #expect(
            try await run(["review", "--petition", "nope"], status: Self.usageError).contains(
                "no petition has the slug nope")
        )
        #expect(
            try await run(["review", "--petition", seed, "--hours", "0"], status: Self.usageError).contains(
                "--hours must be between 1 and 8784"))
        #expect(
            try await run(["invalidate", "--petition", seed, "--domain", "spam.example", "--reason", "a flood"])
                .hasPrefix(
                    "invalidated 0 signature(s)"))

        let sheet = directory.appendingPathComponent("paper.csv")
        try Data("name,country,email\nAmal Haddad,SY,amal@example.org\nJean Dupont,France,\n".utf8).write(to: sheet)
        let yesterday = ISO8601DateFormatter.day.string(from: Date().addingTimeInterval(-86_400))
        let provenance = ["--collected-by", "Volunteers", "--place", "Gaziantep", "--collected-on", yesterday]
        let imported = try await run(["import-paper", "--petition", seed] + provenance + [sheet.path])
        #expect(imported.contains("2 of 2 signer(s) counted"), "\(imported)")
        let batch = try #require(imported.firstMatch(of: /paper batch ([0-9a-f-]{36})/)?.1)
        try Data("name,country\nAmal Haddad,Atlantis\n".utf8).write(to: sheet)
        let refused = try await run(
            ["import-paper", "--petition", seed] + provenance + [sheet.path], status: Self.usageError)
        #expect(refused.contains("nothing of it is stored") && refused.contains("line 2: “Atlantis” is not a country"))
        let listed = try await run(["paper-batches", "--petition", seed])
        #expect(listed.hasPrefix("1 paper batch(es); 2 signature(s) from paper count now"))
        #expect(listed.contains("gathered \(yesterday) in Gaziantep by Volunteers; 2 of 2 counted"))
        #expect(
            try await run(["void-paper", "--batch", String(batch), "--reason", "copied forms"]).hasPrefix(
                "voided paper batch \(batch): 2 signature(s) left the count"))
        #expect(try await run(["paper-batches", "--petition", seed]).contains("VOID since"))

        let package = directory.appendingPathComponent("package.zip").path
        #expect(try await run(["export", "--petition", seed, "--output", package]).hasPrefix("wrote \(package):"))
        #expect(FileManager.default.fileExists(atPath: package))
        #expect(
            try await run(["export", "--petition", seed, "--output", package], status: Self.usageError).contains(
                "exists already"))
        #expect(
            try await run(["deliver", "--petition", seed, "--target", "1", "--channel", "email", "--by", "Rania"])
                .hasPrefix(
                    "recorded delivery"))
        #expect(
            try await run(
                ["deliver", "--petition", seed, "--target", "1", "--channel", "pigeon", "--by", "Rania"],
                status: Self.usageError
            )
            .contains("--channel is one of"))
        #expect(try await run(["verify-log"]).hasPrefix("ok       petition"))
        #expect(
            try await run(["assign-petition", "--petition", seed, "--organization", "nope"], status: Self.usageError)
                .contains(
                    "no organization has the slug nope"))

        let added = try await run(["keygen"])
        #expect(
            added.hasPrefix("added master key")
                && added.contains(directory.appendingPathComponent("undersigned.keys").path))
        #expect(try await run(["rotate-keys"]).hasPrefix("re-wrapped 1 data key(s) under master key"))
    }
}
