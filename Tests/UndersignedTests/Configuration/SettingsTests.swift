import Foundation
import Testing

@testable import Undersigned

@Suite("Settings")
struct SettingsTests {
    /// The error `resolve` gives, as an operator reads it.
    static func refusal(_ arguments: [String] = [], environment: [String: String] = [:]) -> String? {
        do {
            _ = try Settings.resolve(arguments: arguments, environment: environment)
            return nil
        } catch {
            return (error as? SettingsError)?.description ?? "not a SettingsError: \(error)"
        }
    }

    @Test("with nothing given, every setting has its default: SQLite on loopback")
    func defaults() throws {
        let settings = try Settings.resolve(arguments: [], environment: [:])
        #expect(settings.hostname == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.database == .sqlite(path: "undersigned.sqlite"))
        #expect(settings.baseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(settings.mailTransport == .file)
        #expect(settings.mailDirectory == "mail-outbox")
        #expect(settings.mailFrom == MailAddress(name: "Undersigned", address: "no-reply@localhost.localdomain"))
        #expect(settings.mailReplyTo == nil && settings.smtpServer == nil && settings.smtpCAFile == nil)
        #expect(settings.smtpConnections == 4)
        #expect(settings.dkimKeyFile == nil && settings.dkimSelector == nil)
        #expect(settings.dkimDomain == "localhost.localdomain")
        #expect(settings.outboxLease == .seconds(20))
        #expect(settings.petitionReview == .required)
        #expect(settings.dataDirectory == ".")
        #expect(settings.keyFile.hasSuffix("/undersigned.keys"))
        #expect(settings.logKeyFile.hasSuffix("/undersigned-log.key"))
        #expect(settings.secret == nil && settings.masterKeys == nil && settings.logKey == nil)
        #expect(settings.smallCountThreshold == 10)
        #expect(settings.countryFiguresInterval == .seconds(3600))
        #expect(settings.deliveredDataRetention == .seconds(90 * 86_400))
        #expect(settings.logLevel == .info)
        #expect(!settings.trustForwardedFor)
        #expect(settings.signsPerMinute == 5 && settings.signsPerHour == 30 && settings.emailsPerHour == 3)
        #expect(settings.proofOfWorkCalmRate == 120 && settings.proofOfWorkMaximumBits == 18)
        #expect(settings.disposableDomainsFile == nil)
        #expect(
            settings.passwordHashCost == 12 && settings.sessionIdleHours == 12 && settings.sessionLifetimeDays == 14)
        #expect(settings.signInAttempts == 5 && settings.signInMaximumWaitMinutes == 15)
        #expect(settings.signInFailuresPerHour == 20)
    }

    @Test("flags set values, as --flag VALUE, --flag=VALUE or a switch alone")
    func flags() throws {
        let settings = try Settings.resolve(
            arguments: [
                "--port", "9100", "--hostname=0.0.0.0", "--mail-transport", "log", "--trust-forwarded-for",
                "--sign-limit-per-minute=7", "--password-hash-cost", "10", "--outbox-lease-seconds", "8",
                "--country-figures-minutes", "15", "--delivered-data-retention-days", "0", "--data-dir", "/srv/data",
                "--log-level", "debug", "--petition-review", "optional", "--mail-reply-to", "team@example.org",
            ],
            environment: [:])
        #expect(settings.port == 9100)
        #expect(settings.hostname == "0.0.0.0")
        #expect(settings.baseURL.absoluteString == "http://0.0.0.0:9100")
        #expect(settings.mailTransport == .log)
        #expect(settings.trustForwardedFor)
        #expect(settings.signsPerMinute == 7)
        #expect(settings.passwordHashCost == 10)
        #expect(settings.outboxLease == .seconds(8))
        #expect(settings.countryFiguresInterval == .seconds(900))
        #expect(settings.deliveredDataRetention == .zero)
        #expect(settings.keyFile == "/srv/data/undersigned.keys")
        #expect(settings.logLevel == .debug)
        #expect(settings.petitionReview == .optional)
        #expect(settings.mailReplyTo == MailAddress(address: "team@example.org"))
    }

    @Test("environment variables set values, the secrets only so")
    func environment() throws {
        let settings = try Settings.resolve(
            arguments: [],
            environment: [
                "UNDERSIGNED_DATABASE_URL": "postgres://user:p%40ss@db.internal:6543/petitions?sslmode=require",
                "UNDERSIGNED_BASE_URL": "https://sign.example.org/", "UNDERSIGNED_TRUST_FORWARDED_FOR": "yes",
                "UNDERSIGNED_SECRET": String(repeating: "k", count: 40), "UNDERSIGNED_MASTER_KEYS": "k1 AAAA",
                "UNDERSIGNED_LOG_KEY": "a2V5", "UNDERSIGNED_SESSION_DAYS": "30", "UNDERSIGNED_POW_MAX_BITS": "0",
                "UNDERSIGNED_DISPOSABLE_DOMAINS_FILE": "/etc/undersigned/disposable.txt",
                "UNDERSIGNED_SMALL_COUNT_THRESHOLD": "25", "UNDERSIGNED_MAIL_DIR": "",
            ])
        #expect(
            settings.database
                == .postgres(
                    PostgresLocation(
                        host: "db.internal", port: 6543, username: "user", password: "p@ss", database: "petitions",
                        requireTLS: true)))
        #expect(settings.baseURL.absoluteString == "https://sign.example.org")
        #expect(settings.trustForwardedFor)
        #expect(settings.secret?.count == 40)
        #expect(settings.masterKeys == "k1 AAAA" && settings.logKey == "a2V5")
        #expect(settings.sessionLifetimeDays == 30)
        #expect(settings.proofOfWorkMaximumBits == 0)
        #expect(settings.disposableDomainsFile == "/etc/undersigned/disposable.txt")
        #expect(settings.smallCountThreshold == 25)
        // An empty variable counts as unset.
        #expect(settings.mailDirectory == "mail-outbox")
        #expect(Self.refusal(["--secret", "x"]) == "unknown option --secret")
        #expect(Self.refusal(["--master-keys", "x"]) == "unknown option --master-keys")
    }

    @Test("a flag beats its variable, which beats the default, setting by setting")
    func precedence() throws {
        let environment = [
            "UNDERSIGNED_PORT": "9000", "UNDERSIGNED_HOSTNAME": "10.0.0.1", "UNDERSIGNED_SIGN_LIMIT_PER_HOUR": "100",
            "UNDERSIGNED_TRUST_FORWARDED_FOR": "false", "UNDERSIGNED_MAIL_TRANSPORT": "log",
        ]
        let settings = try Settings.resolve(
            arguments: ["--port", "9100", "--trust-forwarded-for", "--mail-transport", "file"], environment: environment
        )
        #expect(settings.port == 9100)
        #expect(settings.hostname == "10.0.0.1")
        #expect(settings.trustForwardedFor)
        #expect(settings.mailTransport == .file)
        #expect(settings.signsPerHour == 100)
        #expect(settings.signsPerMinute == 5)
        // The last of a flag given twice wins; a good flag leaves a bad variable unread.
        #expect(try Settings.resolve(arguments: ["--port", "1", "--port", "2"], environment: [:]).port == 2)
        #expect(
            try Settings.resolve(arguments: ["--port", "1"], environment: ["UNDERSIGNED_PORT": "eighty"]).port == 1)
    }

    @Test("a bad value is refused with a message naming the flag, the variable and what is allowed")
    func refusals() {
        #expect(
            Self.refusal(["--port", "70000"])
                == "--port (UNDERSIGNED_PORT) must be a whole number from 0 to 65535, not \"70000\"")
        #expect(
            Self.refusal(environment: ["UNDERSIGNED_PORT": "eighty"])
                == "--port (UNDERSIGNED_PORT) must be a whole number from 0 to 65535, not \"eighty\"")
        #expect(
            Self.refusal(environment: ["UNDERSIGNED_BASE_URL": "ftp://x"])
                == "--base-url (UNDERSIGNED_BASE_URL) must be an absolute http or https URL, not \"ftp://x\"")
        #expect(
            Self.refusal(["--mail-transport=pigeon"])
                == "--mail-transport (UNDERSIGNED_MAIL_TRANSPORT) must be one of file, log, smtp, not \"pigeon\"")
        #expect(
            Self.refusal(environment: ["UNDERSIGNED_LOG_LEVEL": "loud"])
                == "--log-level (UNDERSIGNED_LOG_LEVEL) must be one of trace, debug, info, notice, warning, error, critical, not \"loud\""
        )
        #expect(
            Self.refusal(environment: ["UNDERSIGNED_TRUST_FORWARDED_FOR": "maybe"])?.hasPrefix(
                "--trust-forwarded-for (UNDERSIGNED_TRUST_FORWARDED_FOR) must be true or false") == true)
        #expect(
            Self.refusal(["--outbox-lease-seconds", "1"])
                == "--outbox-lease-seconds (UNDERSIGNED_OUTBOX_LEASE_SECONDS) must be a whole number of seconds from 3 to 300, not \"1\""
        )
        #expect(
            Self.refusal(environment: ["UNDERSIGNED_DATABASE_URL": "mysql://x"])
                == "--database (UNDERSIGNED_DATABASE_URL): database URL must start with sqlite:// or postgres://")
        #expect(
            Self.refusal(environment: ["UNDERSIGNED_MAIL_FROM": "nobody"])?.hasPrefix(
                "--mail-from (UNDERSIGNED_MAIL_FROM): not an email address") == true)
        // A bad mail server URL is named without repeating its password.
        let smtp = Self.refusal(["--smtp-url", "smtp://user:hunter2@mail.example.org:70000"])
        #expect(smtp?.hasPrefix("--smtp-url (UNDERSIGNED_SMTP_URL): ") == true)
        #expect(smtp?.contains("hunter2") == false)
        // Huge counts of days are refused, not multiplied past Int.max.
        #expect(
            Self.refusal(["--delivered-data-retention-days", "999999999999999999"])?.hasPrefix(
                "--delivered-data-retention-days (UNDERSIGNED_DELIVERED_DATA_RETENTION_DAYS) must be a whole number of days from 0 to 36500"
            ) == true)
    }

    @Test(
        "other bad values and combinations are refused too",
        arguments: [
            ["UNDERSIGNED_DATABASE_URL": "sqlite://"], ["UNDERSIGNED_DATABASE_URL": "postgres://db/x?sslmode=maybe"],
            // Found by the ServerURLs fuzz target: an empty user name reached the driver.
            ["UNDERSIGNED_DATABASE_URL": "postgres://@db/x"], ["UNDERSIGNED_DATABASE_URL": "postgres://:pw@db/x"],
            ["UNDERSIGNED_SIGN_LIMIT_PER_MINUTE": "0"], ["UNDERSIGNED_SIGN_LIMIT_PER_HOUR": "lots"],
            ["UNDERSIGNED_EMAIL_LIMIT_PER_HOUR": "-1"], ["UNDERSIGNED_POW_CALM_RATE": "0"],
            ["UNDERSIGNED_POW_MAX_BITS": "25"], ["UNDERSIGNED_PASSWORD_HASH_COST": "3"],
            ["UNDERSIGNED_SESSION_DAYS": "soon"], ["UNDERSIGNED_SIGN_IN_FAILURES_PER_HOUR": "0"],
            ["UNDERSIGNED_SMALL_COUNT_THRESHOLD": "1"], ["UNDERSIGNED_COUNTRY_FIGURES_MINUTES": "1441"],
            ["UNDERSIGNED_DELIVERED_DATA_RETENTION_DAYS": "-1"], ["UNDERSIGNED_PETITION_REVIEW": "sometimes"],
            ["UNDERSIGNED_MAIL_TRANSPORT": "smtp"], ["UNDERSIGNED_SMTP_URL": "mailto:x@y.org"],
            ["UNDERSIGNED_SMTP_CONNECTIONS": "0"], ["UNDERSIGNED_SMTP_CONNECTIONS": "many"],
            ["UNDERSIGNED_DKIM_KEY_FILE": "/k.pem"], ["UNDERSIGNED_DKIM_SELECTOR": "s1"],
        ])
    func refused(environment: [String: String]) {
        #expect(Self.refusal(environment: environment) != nil)
    }

    @Test("words that are not settings are refused, naming the word")
    func badArguments() {
        #expect(Self.refusal(["--prot", "8080"]) == "unknown option --prot")
        #expect(Self.refusal(["8080"]) == "unexpected argument \"8080\"")
        #expect(Self.refusal(["--port"]) == "--port needs a value: a whole number from 0 to 65535")
        #expect(Self.refusal(["--trust-forwarded-for=yes"]) == "--trust-forwarded-for takes no value")
    }

    @Test("the smtp transport, its server, sender, reply-to, connections, CA file and DKIM key")
    func mail() throws {
        let environment = [
            "UNDERSIGNED_MAIL_TRANSPORT": "smtp", "UNDERSIGNED_SMTP_URL": "smtps://apikey:s%2Fcret@smtp.example.org",
            "UNDERSIGNED_MAIL_FROM": "Zero Impunity <petitions@zeroimpunity.org>",
            "UNDERSIGNED_MAIL_REPLY_TO": "team@zeroimpunity.org",
            "UNDERSIGNED_SMTP_CONNECTIONS": "8", "UNDERSIGNED_SMTP_CA_FILE": "/etc/ca.pem",
            "UNDERSIGNED_DKIM_KEY_FILE": "/etc/dkim.pem", "UNDERSIGNED_DKIM_SELECTOR": "s2026",
        ]
        let settings = try Settings.resolve(arguments: ["--smtp-connections", "6"], environment: environment)
        #expect(settings.mailTransport == .smtp)
        #expect(
            settings.smtpServer
                == SMTPServerLocation(
                    host: "smtp.example.org", port: 465, security: .implicitTLS, username: "apikey", password: "s/cret")
        )
        #expect(settings.mailFrom == MailAddress(name: "Zero Impunity", address: "petitions@zeroimpunity.org"))
        #expect(settings.mailReplyTo == MailAddress(address: "team@zeroimpunity.org"))
        #expect(settings.smtpConnections == 6)
        #expect(settings.smtpCAFile == "/etc/ca.pem")
        #expect(settings.dkimKeyFile == "/etc/dkim.pem" && settings.dkimSelector == "s2026")
        #expect(settings.dkimDomain == "zeroimpunity.org")
    }

    @Test("a setting set in code reads back, an optional one back to nil")
    func setInCode() {
        var settings = Settings()
        settings.port = 0
        settings.mailReplyTo = MailAddress(address: "team@example.org")
        #expect(settings.port == 0)
        #expect(settings.baseURL.absoluteString == "http://127.0.0.1:0")
        settings.mailReplyTo = nil
        #expect(settings.mailReplyTo == nil)
    }

    /// Every flag and variable of earlier releases: operators' scripts and unit files use them.
    static let knownFlags = [
        "hostname", "port", "database", "base-url", "mail-transport", "mail-dir", "data-dir", "key-file",
        "log-key-file", "delivered-data-retention-days", "small-count-threshold", "country-figures-minutes",
        "petition-review", "log-level", "trust-forwarded-for", "sign-limit-per-minute", "sign-limit-per-hour",
        "email-limit-per-hour", "pow-calm-rate", "pow-max-bits", "disposable-domains-file", "password-hash-cost",
        "session-idle-hours", "session-days", "sign-in-attempts", "sign-in-max-wait-minutes",
        "sign-in-failures-per-hour", "smtp-url", "mail-from", "mail-reply-to", "smtp-connections",
        "outbox-lease-seconds", "smtp-ca-file", "dkim-key-file", "dkim-selector", "dkim-domain",
    ]
    static let knownVariables = [
        "HOSTNAME", "PORT", "DATABASE_URL", "BASE_URL", "MAIL_TRANSPORT", "MAIL_DIR", "DATA_DIR", "KEY_FILE",
        "LOG_KEY_FILE", "DELIVERED_DATA_RETENTION_DAYS", "SMALL_COUNT_THRESHOLD", "COUNTRY_FIGURES_MINUTES",
        "PETITION_REVIEW", "LOG_LEVEL", "TRUST_FORWARDED_FOR", "SIGN_LIMIT_PER_MINUTE", "SIGN_LIMIT_PER_HOUR",
        "EMAIL_LIMIT_PER_HOUR", "POW_CALM_RATE", "POW_MAX_BITS", "DISPOSABLE_DOMAINS_FILE", "PASSWORD_HASH_COST",
        "SESSION_IDLE_HOURS", "SESSION_DAYS", "SIGN_IN_ATTEMPTS", "SIGN_IN_MAX_WAIT_MINUTES",
        "SIGN_IN_FAILURES_PER_HOUR", "SMTP_URL", "MAIL_FROM", "MAIL_REPLY_TO", "SMTP_CONNECTIONS",
        "OUTBOX_LEASE_SECONDS", "SMTP_CA_FILE", "DKIM_KEY_FILE", "DKIM_SELECTOR", "DKIM_DOMAIN", "SECRET",
        "MASTER_KEYS", "LOG_KEY",
    ].map { "UNDERSIGNED_\($0)" }

    @Test("every flag and variable of earlier releases is still a setting, each named once")
    func names() {
        let flags = SettingsTable.all.compactMap(\.flag)
        let variables = SettingsTable.all.map(\.variable)
        #expect(Set(flags).count == flags.count)
        #expect(Set(variables).count == variables.count)
        #expect(Set(Self.knownFlags).subtracting(flags).isEmpty)
        #expect(Set(Self.knownVariables).subtracting(variables).isEmpty)
        for setting in SettingsTable.all {
            #expect(setting.variable.hasPrefix("UNDERSIGNED_"))
            #expect(!setting.meaning.isEmpty)
        }
    }

    @Test("the help describes every setting by its flag or variable, its default and what it allows")
    func help() {
        let help = SettingsTable.help
        #expect(help.count == SettingsTable.all.count)
        #expect(help.contains { $0.synopsis == "--port <number>" && $0.text.contains("UNDERSIGNED_PORT") })
        #expect(help.contains { $0.synopsis == "--trust-forwarded-for" && $0.text.contains("default: off") })
        #expect(help.contains { $0.synopsis == "UNDERSIGNED_SECRET" && $0.text.contains("a variable only") })
        let port = help.first { $0.synopsis == "--port <number>" }?.text
        #expect(port == "port to listen on (UNDERSIGNED_PORT; a whole number from 0 to 65535; default: 8080)")
        #expect(!help.contains { $0.text.contains("`") })
    }

    @Test("README.md's table of settings is the one the settings table writes")
    func readme() throws {
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"),
            encoding: .utf8)
        let begin = "<!-- settings table: begin (generated: undersigned settings --markdown) -->\n"
        let end = "\n<!-- settings table: end -->"
        let start = try #require(readme.range(of: begin), "README.md lacks the settings table's begin marker")
        let stop = try #require(
            readme.range(of: end, range: start.upperBound..<readme.endIndex),
            "README.md lacks the settings table's end marker")
        #expect(
            String(readme[start.upperBound..<stop.lowerBound]) == SettingsTable.markdown,
            "README.md's table of settings is out of date: replace it with the output of `undersigned settings --markdown`"
        )
    }
}
