import ArgumentParser
import Foundation
import Logging
import Undersigned

@main
struct UndersignedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undersigned",
        abstract: "A petition platform that counts honestly and protects its signers.",
        subcommands: [
            Serve.self, Migrate.self, Purge.self, Outbox.self, Keygen.self, RotateKeys.self, Review.self, Invalidate.self, VerifyLog.self,
            Export.self, Deliver.self, TargetLink.self, CreateAdmin.self, AssignPetition.self, KeygenOrganization.self, DecryptPackage.self,
        ],
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
    @Option(help: "File of master keys that wrap the data keys (UNDERSIGNED_KEY_FILE, default DATA_DIR/undersigned.keys; UNDERSIGNED_MASTER_KEYS overrides it).")
    var keyFile: String?
    @Option(help: "File of the Ed25519 key that signs the signature logs' tree heads (UNDERSIGNED_LOG_KEY_FILE, default DATA_DIR/undersigned-log.key; UNDERSIGNED_LOG_KEY overrides it).")
    var logKeyFile: String?
    @Option(help: "Days after delivery before signers' personal data is erased (UNDERSIGNED_DELIVERED_DATA_RETENTION_DAYS, default 90).")
    var deliveredDataRetentionDays: Int?
    @Option(help: "Countries with fewer confirmed signers are shown as 'fewer than N', never as numbers (UNDERSIGNED_SMALL_COUNT_THRESHOLD, default 10).")
    var smallCountThreshold: Int?
    @Option(help: "Whether a moderator approves each petition before it opens: required or optional (UNDERSIGNED_PETITION_REVIEW, default required).")
    var petitionReview: String?
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

    @Option(help: "bcrypt cost of new password hashes, 4 to 31 (UNDERSIGNED_PASSWORD_HASH_COST, default 12).")
    var passwordHashCost: Int?
    @Option(help: "Hours without use after which a sign-in session ends (UNDERSIGNED_SESSION_IDLE_HOURS, default 12).")
    var sessionIdleHours: Int?
    @Option(help: "Days after which a sign-in session ends however active (UNDERSIGNED_SESSION_DAYS, default 14).")
    var sessionDays: Int?
    @Option(help: "Failed sign-ins in a row that lock an account (UNDERSIGNED_SIGN_IN_ATTEMPTS, default 5).")
    var signInAttempts: Int?
    @Option(help: "Minutes an account stays locked after them (UNDERSIGNED_SIGN_IN_LOCKOUT_MINUTES, default 15).")
    var signInLockoutMinutes: Int?

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
        var flags = SettingsFlags(
            hostname: hostname, port: port, database: database, baseURL: baseURL, mailTransport: mailTransport,
            mailDirectory: mailDir, dataDirectory: dataDir, keyFile: keyFile, logKeyFile: logKeyFile,
            deliveredDataRetentionDays: deliveredDataRetentionDays, logLevel: logLevel, smtpURL: smtpURL, mailFrom: mailFrom,
            mailReplyTo: mailReplyTo, smtpConnections: smtpConnections, smtpCAFile: smtpCAFile, dkimKeyFile: dkimKeyFile,
            dkimSelector: dkimSelector, dkimDomain: dkimDomain)
        flags.abuse = AbuseFlags(
            trustForwardedFor: trustForwardedFor ? true : nil, signsPerMinute: signLimitPerMinute, signsPerHour: signLimitPerHour,
            emailsPerHour: emailLimitPerHour, proofOfWorkCalmRate: powCalmRate, proofOfWorkMaximumBits: powMaxBits,
            disposableDomainsFile: disposableDomainsFile)
        flags.accounts = AccountFlags(
            passwordHashCost: passwordHashCost, sessionIdleHours: sessionIdleHours, sessionLifetimeDays: sessionDays, signInAttempts: signInAttempts,
            lockoutMinutes: signInLockoutMinutes)
        flags.smallCountThreshold = smallCountThreshold
        flags.petitionReview = petitionReview
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
        abstract: "Apply the retention policy now: delete signatures left unconfirmed for 7 days, erase signers' personal data of petitions delivered longer ago than the retention period. `serve` also does this every hour.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.settings()
        let result = try await withDatabase(settings: settings, logger: makeLogger(settings)) { database in
            try await Undersigned.Purge(signatures: database, policy: RetentionPolicy(settings: settings)).run()
        }
        print("deleted \(result.unconfirmedSignaturesDeleted) unconfirmed signature(s) older than 7 days")
        print("erased the personal data of \(result.signaturesErasedAfterDelivery) signature(s) of delivered petitions")
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a new master key to the key file, as the primary one; then run `undersigned rotate-keys`.",
        discussion: "With --print, write a new key line to standard output instead, for UNDERSIGNED_MASTER_KEYS.")

    @OptionGroup var options: SettingsOptions
    @Flag(help: "Print a new key line instead of changing the key file.")
    var print = false

    func run() throws {
        if self.print {
            Swift.print(MasterKeys.newKeyLine().line)
            return
        }
        let settings = try options.settings()
        let id = try MasterKeys.addPrimaryKey(toFile: settings.resolvedKeyFile)
        Swift.print("added master key \(id) to \(settings.resolvedKeyFile) as the primary key")
        Swift.print("run `undersigned rotate-keys` to re-wrap the data keys under it")
    }
}

struct RotateKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-keys",
        abstract: "Re-wrap every data key under the primary master key and start a new data key. Running servers keep working and pick the change up within a minute.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.settings()
        let masterKeys = try settings.loadMasterKeys()
        let rotation = try await withDatabase(settings: settings, logger: makeLogger(settings)) { database in
            try await DataKeyRing(store: database, masterKeys: masterKeys, reloadMasterKeys: settings.loadMasterKeys).rotate()
        }
        print("re-wrapped \(rotation.rewrapped) data key(s) under master key \(masterKeys.primaryID); new data is sealed with data key \(rotation.newDataKeyID)")
        if !rotation.unusedMasterKeyIDs.isEmpty {
            print("no data key needs master key(s) \(rotation.unusedMasterKeyIDs.joined(separator: ", ")) any more: remove them once every server has reloaded (a minute)")
        }
    }
}

struct VerifyLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-log",
        abstract: "Recompute every petition's signature log and check its tree heads, stored state and published count. Exits non-zero on any mismatch.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.settings()
        let key = try settings.loadLogSigningKey().publicKey
        let reports = try await withDatabase(settings: settings, logger: makeLogger(settings)) { database in
            try await LogVerifier(logs: database, petitions: database, key: key).verifyAll()
        }
        for report in reports {
            let summary = "petition \(report.petitionID.uuidString.lowercased()): \(report.entries) entries, count \(report.count), \(report.treeHeadsChecked) signed tree head(s)"
            print((report.isValid ? "ok       " : "MISMATCH ") + summary)
            for problem in report.problems { print("  - \(problem)") }
        }
        if reports.contains(where: { !$0.isValid }) { throw ExitCode(1) }
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
