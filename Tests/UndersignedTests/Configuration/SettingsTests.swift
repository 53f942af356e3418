import Foundation
import Testing

@testable import Undersigned

@Suite("Settings")
struct SettingsTests {
    @Test("defaults serve SQLite on loopback")
    func defaults() throws {
        let settings = try Settings.resolve(flags: SettingsFlags(), environment: [:])
        #expect(settings.hostname == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.database == .sqlite(path: "undersigned.sqlite"))
        #expect(settings.baseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(settings.mailTransport == .file)
        #expect(settings.mailDirectory == "mail-outbox")
        #expect(settings.secret == nil)
    }

    @Test("environment variables apply, and flags win over them")
    func precedence() throws {
        let environment = [
            "UNDERSIGNED_PORT": "9000", "UNDERSIGNED_HOSTNAME": "0.0.0.0",
            "UNDERSIGNED_DATABASE_URL": "postgres://user:p%40ss@db.internal:6543/petitions?sslmode=require",
            "UNDERSIGNED_BASE_URL": "https://sign.example.org/", "UNDERSIGNED_MAIL_TRANSPORT": "log",
            "UNDERSIGNED_SECRET": String(repeating: "k", count: 40),
        ]
        let settings = try Settings.resolve(flags: SettingsFlags(port: 9100), environment: environment)
        #expect(settings.port == 9100)
        #expect(settings.hostname == "0.0.0.0")
        #expect(settings.baseURL.absoluteString == "https://sign.example.org")
        #expect(settings.mailTransport == .log)
        #expect(settings.secret?.count == 40)
        #expect(
            settings.database
                == .postgres(PostgresLocation(host: "db.internal", port: 6543, username: "user", password: "p@ss", database: "petitions", requireTLS: true)))
    }

    @Test("abuse defences have safe defaults, and take flags and environment variables")
    func abuse() throws {
        let defaults = try Settings.resolve(flags: SettingsFlags(), environment: [:]).abuse
        #expect(defaults == AbuseSettings())
        #expect(!defaults.trustForwardedFor)
        #expect(defaults.signsPerMinute == 5 && defaults.signsPerHour == 30 && defaults.emailsPerHour == 3)
        #expect(defaults.proofOfWorkCalmRate == 120 && defaults.proofOfWorkMaximumBits == 18)
        #expect(defaults.disposableDomainsFile == nil)

        let environment = [
            "UNDERSIGNED_TRUST_FORWARDED_FOR": "yes", "UNDERSIGNED_SIGN_LIMIT_PER_MINUTE": "10", "UNDERSIGNED_SIGN_LIMIT_PER_HOUR": "100",
            "UNDERSIGNED_EMAIL_LIMIT_PER_HOUR": "5", "UNDERSIGNED_POW_CALM_RATE": "600", "UNDERSIGNED_POW_MAX_BITS": "0",
            "UNDERSIGNED_DISPOSABLE_DOMAINS_FILE": "/etc/undersigned/disposable.txt",
        ]
        var flags = SettingsFlags()
        flags.abuse = AbuseFlags(signsPerMinute: 7, proofOfWorkMaximumBits: 20)
        let configured = try Settings.resolve(flags: flags, environment: environment).abuse
        #expect(configured.trustForwardedFor)
        #expect(configured.signsPerMinute == 7)
        #expect(configured.signsPerHour == 100)
        #expect(configured.emailsPerHour == 5)
        #expect(configured.proofOfWorkCalmRate == 600)
        #expect(configured.proofOfWorkMaximumBits == 20)
        #expect(configured.disposableDomainsFile == "/etc/undersigned/disposable.txt")
    }

    @Test(
        "bad abuse settings are refused with a message",
        arguments: [
            ["UNDERSIGNED_TRUST_FORWARDED_FOR": "maybe"], ["UNDERSIGNED_SIGN_LIMIT_PER_MINUTE": "0"],
            ["UNDERSIGNED_SIGN_LIMIT_PER_HOUR": "lots"], ["UNDERSIGNED_EMAIL_LIMIT_PER_HOUR": "-1"],
            ["UNDERSIGNED_POW_CALM_RATE": "0"], ["UNDERSIGNED_POW_MAX_BITS": "25"],
        ])
    func refusedAbuse(environment: [String: String]) {
        #expect(throws: SettingsError.self) { try Settings.resolve(flags: SettingsFlags(), environment: environment) }
    }

    @Test(
        "bad values are refused with a message",
        arguments: [
            ["UNDERSIGNED_PORT": "eighty"], ["UNDERSIGNED_PORT": "70000"], ["UNDERSIGNED_DATABASE_URL": "mysql://x"],
            ["UNDERSIGNED_DATABASE_URL": "sqlite://"], ["UNDERSIGNED_BASE_URL": "ftp://x"], ["UNDERSIGNED_MAIL_TRANSPORT": "pigeon"],
            ["UNDERSIGNED_LOG_LEVEL": "loud"], ["UNDERSIGNED_DATABASE_URL": "postgres://db/x?sslmode=maybe"],
        ])
    func refused(environment: [String: String]) {
        #expect(throws: SettingsError.self) { try Settings.resolve(flags: SettingsFlags(), environment: environment) }
    }
}

@Suite("Mail settings")
struct MailSettingsTests {
    @Test("the smtp transport, its server, sender, reply-to, connections, CA file and DKIM key")
    func smtp() throws {
        let environment = [
            "UNDERSIGNED_MAIL_TRANSPORT": "smtp", "UNDERSIGNED_SMTP_URL": "smtps://apikey:s%2Fcret@smtp.example.org",
            "UNDERSIGNED_MAIL_FROM": "Zero Impunity <petitions@zeroimpunity.org>", "UNDERSIGNED_MAIL_REPLY_TO": "team@zeroimpunity.org",
            "UNDERSIGNED_SMTP_CONNECTIONS": "8", "UNDERSIGNED_SMTP_CA_FILE": "/etc/ca.pem",
            "UNDERSIGNED_DKIM_KEY_FILE": "/etc/dkim.pem", "UNDERSIGNED_DKIM_SELECTOR": "s2026",
        ]
        let settings = try Settings.resolve(flags: SettingsFlags(smtpConnections: 6), environment: environment)
        #expect(settings.mailTransport == .smtp)
        #expect(settings.smtpServer == SMTPServerLocation(host: "smtp.example.org", port: 465, security: .implicitTLS, username: "apikey", password: "s/cret"))
        #expect(settings.mailFrom == MailAddress(name: "Zero Impunity", address: "petitions@zeroimpunity.org"))
        #expect(settings.mailReplyTo == MailAddress(address: "team@zeroimpunity.org"))
        #expect(settings.smtpConnections == 6)
        #expect(settings.smtpCAFile == "/etc/ca.pem")
        #expect(settings.dkim == DKIMSettings(keyFile: "/etc/dkim.pem", selector: "s2026", domain: "zeroimpunity.org"))
    }

    @Test(
        "incomplete or bad mail settings are refused",
        arguments: [
            ["UNDERSIGNED_MAIL_TRANSPORT": "smtp"], ["UNDERSIGNED_SMTP_URL": "mailto:x@y.org"], ["UNDERSIGNED_MAIL_FROM": "nobody"],
            ["UNDERSIGNED_SMTP_CONNECTIONS": "0"], ["UNDERSIGNED_SMTP_CONNECTIONS": "many"], ["UNDERSIGNED_DKIM_KEY_FILE": "/k.pem"],
            ["UNDERSIGNED_DKIM_SELECTOR": "s1"],
        ])
    func refused(environment: [String: String]) {
        #expect(throws: SettingsError.self) { try Settings.resolve(flags: SettingsFlags(), environment: environment) }
    }
}
