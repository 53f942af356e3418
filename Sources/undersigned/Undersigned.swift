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
    @Flag(help: "Take the client address from the last X-Forwarded-For entry, set by your reverse proxy (UNDERSIGNED_TRUST_FORWARDED_FOR).")
    var trustForwardedFor = false
    @Option(help: "Sign requests allowed per client address in a minute (UNDERSIGNED_SIGN_LIMIT_PER_MINUTE, default 5).")
    var signLimitPerMinute: Int?
    @Option(help: "Sign requests allowed per client address in an hour (UNDERSIGNED_SIGN_LIMIT_PER_HOUR, default 30).")
    var signLimitPerHour: Int?
    @Option(help: "Emails about signing sent per mailbox in an hour (UNDERSIGNED_EMAIL_LIMIT_PER_HOUR, default 3).")
    var emailLimitPerHour: Int?
    @Option(help: "Sign requests a minute below which no proof of work is asked (UNDERSIGNED_POW_CALM_RATE, default 120).")
    var powCalmRate: Int?
    @Option(help: "Most leading zero bits a proof of work needs under a flood; 0 turns it off (UNDERSIGNED_POW_MAX_BITS, default 18).")
    var powMaxBits: Int?
    @Option(help: "File of disposable email domains, one a line (UNDERSIGNED_DISPOSABLE_DOMAINS_FILE, default: the shipped list).")
    var disposableDomainsFile: String?

    func settings() throws -> Settings {
        var flags = SettingsFlags(
            hostname: hostname, port: port, database: database, baseURL: baseURL, mailTransport: mailTransport,
            mailDirectory: mailDir, dataDirectory: dataDir, logLevel: logLevel)
        flags.abuse = AbuseFlags(
            trustForwardedFor: trustForwardedFor ? true : nil, signsPerMinute: signLimitPerMinute, signsPerHour: signLimitPerHour,
            emailsPerHour: emailLimitPerHour, proofOfWorkCalmRate: powCalmRate, proofOfWorkMaximumBits: powMaxBits,
            disposableDomainsFile: disposableDomainsFile)
        return try Settings.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
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
