import ArgumentParser
import Foundation
import Logging
import Undersigned

@main
struct UndersignedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undersigned",
        abstract: "A petition platform that counts honestly and protects its signers.",
        subcommands: [Serve.self, Migrate.self, Purge.self, Outbox.self],
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
    @Option(help: "file, log or smtp (UNDERSIGNED_MAIL_TRANSPORT, default file).")
    var mailTransport: String?
    @Option(help: "Directory of .eml files for the file transport (UNDERSIGNED_MAIL_DIR, default mail-outbox).")
    var mailDir: String?
    @Option(help: "Directory for generated state such as the server secret (UNDERSIGNED_DATA_DIR, default .).")
    var dataDir: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (UNDERSIGNED_LOG_LEVEL, default info).")
    var logLevel: String?
    @Option(help: "smtp://USER:PASSWORD@HOST:PORT (STARTTLS) or smtps://… (TLS) for the smtp transport; prefer UNDERSIGNED_SMTP_URL, which keeps the password out of the process list.")
    var smtpURL: String?
    @Option(help: "Sender, e.g. 'Undersigned <no-reply@example.org>' (UNDERSIGNED_MAIL_FROM).")
    var mailFrom: String?
    @Option(help: "Reply-To address (UNDERSIGNED_MAIL_REPLY_TO, default none).")
    var mailReplyTo: String?
    @Option(help: "Connections to the mail server used in parallel (UNDERSIGNED_SMTP_CONNECTIONS, default 4).")
    var smtpConnections: Int?
    @Option(help: "A CA certificate (PEM) to trust beside the system's for the mail server (UNDERSIGNED_SMTP_CA_FILE).")
    var smtpCAFile: String?
    @Option(help: "PEM private key (Ed25519 or RSA) to sign emails with DKIM (UNDERSIGNED_DKIM_KEY_FILE).")
    var dkimKeyFile: String?
    @Option(help: "DKIM selector: the key's DNS record is SELECTOR._domainkey.DOMAIN (UNDERSIGNED_DKIM_SELECTOR).")
    var dkimSelector: String?
    @Option(help: "DKIM signing domain (UNDERSIGNED_DKIM_DOMAIN, default the sender's domain).")
    var dkimDomain: String?

    func settings() throws -> Settings {
        try Settings.resolve(
            flags: SettingsFlags(
                hostname: hostname, port: port, database: database, baseURL: baseURL, mailTransport: mailTransport,
                mailDirectory: mailDir, dataDirectory: dataDir, logLevel: logLevel, smtpURL: smtpURL, mailFrom: mailFrom,
                mailReplyTo: mailReplyTo, smtpConnections: smtpConnections, smtpCAFile: smtpCAFile, dkimKeyFile: dkimKeyFile,
                dkimSelector: dkimSelector, dkimDomain: dkimDomain),
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

struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List queued and failed emails with their failed attempts: ids, times and the servers' replies, never addresses or content.")

    @OptionGroup var options: SettingsOptions
    @Option(help: "Show at most this many messages, oldest first.")
    var limit: Int = 100

    func run() async throws {
        let settings = try options.settings()
        let limit = max(0, self.limit)
        let (status, entries) = try await withDatabase(settings: settings, logger: makeLogger(settings)) { database in
            (try await database.outboxStatus(), try await database.outboxEntries(limit: limit))
        }
        print(OutboxReport.text(status: status, entries: entries))
    }
}
