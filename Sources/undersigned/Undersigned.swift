import ArgumentParser
import Foundation
import Logging
import Undersigned

@main
struct UndersignedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undersigned",
        abstract: "A petition platform that counts honestly and protects its signers.",
        subcommands: [Serve.self, Migrate.self, Purge.self],
        defaultSubcommand: Serve.self)
}

/// Flags shared by every subcommand; each falls back to its `UNDERSIGNED_*` variable.
struct SettingsOptions: ParsableArguments {
    @Option(help: "Address to listen on (UNDERSIGNED_HOSTNAME, default 127.0.0.1).")
    var hostname: String?
    @Option(help: "Port to listen on (UNDERSIGNED_PORT, default 8080).")
    var port: Int?
    @Option(help: "sqlite://FILE or postgres://USER:PASS@HOST:PORT/DB (UNDERSIGNED_DATABASE_URL, default sqlite://undersigned.sqlite).")
    var database: String?
    @Option(help: "Public origin used in emailed links (UNDERSIGNED_BASE_URL, default http://HOSTNAME:PORT).")
    var baseURL: String?
    @Option(help: "file or log (UNDERSIGNED_MAIL_TRANSPORT, default file).")
    var mailTransport: String?
    @Option(help: "Directory of .eml files for the file transport (UNDERSIGNED_MAIL_DIR, default mail-outbox).")
    var mailDir: String?
    @Option(help: "Directory for generated state such as the server secret (UNDERSIGNED_DATA_DIR, default .).")
    var dataDir: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (UNDERSIGNED_LOG_LEVEL, default info).")
    var logLevel: String?

    func settings() throws -> Settings {
        try Settings.resolve(
            flags: SettingsFlags(
                hostname: hostname, port: port, database: database, baseURL: baseURL, mailTransport: mailTransport,
                mailDirectory: mailDir, dataDirectory: dataDir, logLevel: logLevel),
            environment: ProcessInfo.processInfo.environment)
    }
}

func makeLogger(_ settings: Settings) -> Logger {
    var logger = Logger(label: "undersigned")
    logger.logLevel = settings.logLevel
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the petitions (migrating and seeding an empty database first).")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.settings()
        let logger = makeLogger(settings)
        let app = try await buildApplication(settings: settings, logger: logger)
        logger.notice("serving", metadata: ["url": "\(settings.baseURL.absoluteString)"])
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the database migrations this release brings.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.settings()
        let applied = try await runMigrations(settings: settings, logger: makeLogger(settings))
        print("database schema at version \(applied.last ?? 0)")
    }
}

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the retention policy now: delete signatures left unconfirmed for 7 days. `serve` also does this every hour.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.settings()
        let result = try await withDatabase(settings: settings, logger: makeLogger(settings)) { database in
            try await Undersigned.Purge(signatures: database).run()
        }
        print("deleted \(result.unconfirmedSignaturesDeleted) unconfirmed signature(s) older than 7 days")
    }
}
