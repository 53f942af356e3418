import Foundation
import Logging

/// Every setting of an Undersigned instance, resolved from command-line flags with
/// `UNDERSIGNED_*` environment variables as fallbacks.
public struct Settings: Sendable {
    public var hostname: String
    public var port: Int
    public var database: DatabaseLocation
    /// Origin used to build the links in emails, e.g. `https://sign.example.org`.
    public var baseURL: URL
    public var mailTransport: MailTransportKind
    public var mailDirectory: String
    /// Where generated state (the server secret) lives when not configured explicitly.
    public var dataDirectory: String
    /// The server secret as configured; `nil` means "read or create it in the data directory".
    public var secret: String?
    /// The master keys as configured (`ID BASE64` lines); `nil` means "use the key file".
    public var masterKeys: String?
    /// Holds the master keys when they are not configured directly; created on first run.
    public var keyFile: String?
    /// The tree-head signing key as configured (base64); `nil` means "use the log key file".
    public var logKey: String?
    /// Holds the tree-head signing key when it is not configured directly; created on first run.
    public var logKeyFile: String?
    /// How long after delivery a petition's signers' personal data is kept.
    public var deliveredDataRetention: Duration
    /// Countries with fewer confirmed signers than this are never published as numbers.
    public var smallCountThreshold = SmallCounts.defaultThreshold
    /// Whether a moderator approves each petition before it opens.
    public var petitionReview = PetitionReview.required
    public var logLevel: Logger.Level
    public var abuse = AbuseSettings()
    public var accounts = AccountSettings()
    /// Who emails come from, and where replies go.
    public var mailFrom: MailAddress
    public var mailReplyTo: MailAddress?
    /// The mail server, for the `smtp` transport.
    public var smtpServer: SMTPServerLocation?
    /// Connections to the mail server used in parallel.
    public var smtpConnections: Int
    /// A certificate authority (PEM) trusted beside the system's, for a private mail server.
    public var smtpCAFile: String?
    /// DKIM signing: a PEM private key, its selector and the signing domain.
    public var dkim: DKIMSettings?

    public init(
        hostname: String = "127.0.0.1",
        port: Int = 8080,
        database: DatabaseLocation = .sqlite(path: "undersigned.sqlite"),
        baseURL: URL? = nil,
        mailTransport: MailTransportKind = .file,
        mailDirectory: String = "mail-outbox",
        dataDirectory: String = ".",
        secret: String? = nil,
        keyFile: String? = nil,
        logKeyFile: String? = nil,
        deliveredDataRetentionDays: Int = 90,
        logLevel: Logger.Level = .info,
        mailFrom: MailAddress = MailIdentity.development.from,
        mailReplyTo: MailAddress? = nil,
        smtpServer: SMTPServerLocation? = nil,
        smtpConnections: Int = 4,
        smtpCAFile: String? = nil,
        dkim: DKIMSettings? = nil
    ) {
        self.hostname = hostname
        self.port = port
        self.database = database
        self.baseURL = baseURL ?? URL(string: "http://\(hostname):\(port)")!
        self.mailTransport = mailTransport
        self.mailDirectory = mailDirectory
        self.dataDirectory = dataDirectory
        self.secret = secret
        self.keyFile = keyFile
        self.logKeyFile = logKeyFile
        self.deliveredDataRetention = .seconds(deliveredDataRetentionDays * 24 * 3600)
        self.logLevel = logLevel
        self.mailFrom = mailFrom
        self.mailReplyTo = mailReplyTo
        self.smtpServer = smtpServer
        self.smtpConnections = smtpConnections
        self.smtpCAFile = smtpCAFile
        self.dkim = dkim
    }

    /// The key file in use: as configured, or `undersigned.keys` in the data directory.
    public var resolvedKeyFile: String {
        keyFile ?? URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("undersigned.keys").path
    }

    /// The tree-head signing key, configured or from its file (created on first run).
    public func loadLogSigningKey() throws -> LogSigningKey {
        try LogSigningKey.load(
            configured: logKey,
            keyFile: logKeyFile ?? URL(fileURLWithPath: dataDirectory, isDirectory: true).appendingPathComponent("undersigned-log.key").path)
    }

    /// The configured master keys, or those of the key file (created on first run).
    @Sendable public func loadMasterKeys() throws -> MasterKeys {
        try MasterKeys.load(configured: masterKeys, keyFile: resolvedKeyFile)
    }
}

public struct DKIMSettings: Sendable, Equatable {
    public var keyFile: String
    public var selector: String
    public var domain: String

    public init(keyFile: String, selector: String, domain: String) {
        self.keyFile = keyFile
        self.selector = selector
        self.domain = domain
    }
}

/// The raw values given on the command line; `nil` means "not given".
public struct SettingsFlags: Sendable {
    public var hostname: String?
    public var port: Int?
    public var database: String?
    public var baseURL: String?
    public var mailTransport: String?
    public var mailDirectory: String?
    public var dataDirectory: String?
    public var keyFile: String?
    public var logKeyFile: String?
    public var deliveredDataRetentionDays: Int?
    public var smallCountThreshold: Int?
    public var petitionReview: String?
    public var logLevel: String?
    public var abuse = AbuseFlags()
    public var accounts = AccountFlags()
    public var smtpURL: String?
    public var mailFrom: String?
    public var mailReplyTo: String?
    public var smtpConnections: Int?
    public var smtpCAFile: String?
    public var dkimKeyFile: String?
    public var dkimSelector: String?
    public var dkimDomain: String?

    public init(
        hostname: String? = nil, port: Int? = nil, database: String? = nil, baseURL: String? = nil,
        mailTransport: String? = nil, mailDirectory: String? = nil, dataDirectory: String? = nil,
        keyFile: String? = nil, logKeyFile: String? = nil, deliveredDataRetentionDays: Int? = nil, logLevel: String? = nil,
        smtpURL: String? = nil, mailFrom: String? = nil, mailReplyTo: String? = nil, smtpConnections: Int? = nil, smtpCAFile: String? = nil,
        dkimKeyFile: String? = nil, dkimSelector: String? = nil, dkimDomain: String? = nil
    ) {
        self.hostname = hostname
        self.port = port
        self.database = database
        self.baseURL = baseURL
        self.mailTransport = mailTransport
        self.mailDirectory = mailDirectory
        self.dataDirectory = dataDirectory
        self.keyFile = keyFile
        self.logKeyFile = logKeyFile
        self.deliveredDataRetentionDays = deliveredDataRetentionDays
        self.logLevel = logLevel
        self.smtpURL = smtpURL
        self.mailFrom = mailFrom
        self.mailReplyTo = mailReplyTo
        self.smtpConnections = smtpConnections
        self.smtpCAFile = smtpCAFile
        self.dkimKeyFile = dkimKeyFile
        self.dkimSelector = dkimSelector
        self.dkimDomain = dkimDomain
    }
}

public enum PetitionReview: String, Sendable, CaseIterable {
    /// Submitted petitions wait in the moderation queue until a moderator approves them.
    case required
    /// Submitted petitions open at once; moderators may still take them down.
    case optional
}

public enum MailTransportKind: String, Sendable, CaseIterable {
    /// One `.eml` file per message in the mail directory (development).
    case file
    /// Logs that a message was sent, without its content (load tests, dry runs).
    case log
    /// An SMTP server: the campaign's mail provider or relay.
    case smtp
}

public struct SettingsError: Error, CustomStringConvertible {
    public let description: String
}

extension Settings {
    /// Flags win over environment variables, which win over defaults.
    public static func resolve(flags: SettingsFlags, environment: [String: String]) throws -> Settings {
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        var settings = Settings()
        if let hostname = value(flags.hostname, "UNDERSIGNED_HOSTNAME") { settings.hostname = hostname }
        if let port = try number(flags.port, "UNDERSIGNED_PORT", environment) { settings.port = port }
        guard (0...65535).contains(settings.port) else {
            throw SettingsError(description: "port must be between 0 and 65535")
        }
        if let database = value(flags.database, "UNDERSIGNED_DATABASE_URL") {
            settings.database = try DatabaseLocation(url: database)
        }
        if let base = value(flags.baseURL, "UNDERSIGNED_BASE_URL") {
            guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw SettingsError(description: "base URL must be an absolute http(s) URL: \(base)")
            }
            settings.baseURL = URL(string: base.hasSuffix("/") ? String(base.dropLast()) : base)!
        } else {
            settings.baseURL = URL(string: "http://\(settings.hostname):\(settings.port)")!
        }
        if let transport = value(flags.mailTransport, "UNDERSIGNED_MAIL_TRANSPORT") {
            guard let kind = MailTransportKind(rawValue: transport) else {
                let known = MailTransportKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw SettingsError(description: "unknown mail transport \(transport) (known: \(known))")
            }
            settings.mailTransport = kind
        }
        if let directory = value(flags.mailDirectory, "UNDERSIGNED_MAIL_DIR") { settings.mailDirectory = directory }
        if let directory = value(flags.dataDirectory, "UNDERSIGNED_DATA_DIR") { settings.dataDirectory = directory }
        if let file = value(flags.keyFile, "UNDERSIGNED_KEY_FILE") { settings.keyFile = file }
        if let file = value(flags.logKeyFile, "UNDERSIGNED_LOG_KEY_FILE") { settings.logKeyFile = file }
        if let threshold = try number(flags.smallCountThreshold, "UNDERSIGNED_SMALL_COUNT_THRESHOLD", environment) {
            guard threshold >= 2 else { throw SettingsError(description: "the small-count threshold must be at least 2") }
            settings.smallCountThreshold = threshold
        }
        if let review = value(flags.petitionReview, "UNDERSIGNED_PETITION_REVIEW") {
            guard let parsed = PetitionReview(rawValue: review) else {
                throw SettingsError(description: "petition review is required or optional, not \(review)")
            }
            settings.petitionReview = parsed
        }
        if let days = try number(flags.deliveredDataRetentionDays, "UNDERSIGNED_DELIVERED_DATA_RETENTION_DAYS", environment) {
            guard days >= 0 else { throw SettingsError(description: "the retention after delivery cannot be negative") }
            settings.deliveredDataRetention = .seconds(days * 24 * 3600)
        }
        // Only from the environment: a flag would show them in the process list.
        settings.secret = environment["UNDERSIGNED_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        settings.masterKeys = environment["UNDERSIGNED_MASTER_KEYS"].flatMap { $0.isEmpty ? nil : $0 }
        settings.logKey = environment["UNDERSIGNED_LOG_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let level = value(flags.logLevel, "UNDERSIGNED_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw SettingsError(description: "unknown log level \(level)")
            }
            settings.logLevel = parsed
        }
        settings.abuse = try AbuseSettings.resolve(flags: flags.abuse, environment: environment)
        settings.accounts = try AccountSettings.resolve(flags: flags.accounts, environment: environment)
        try resolveMail(flags: flags, value: value, environment: environment, into: &settings)
        return settings
    }

    private static func number(_ flag: Int?, _ variable: String, _ environment: [String: String]) throws -> Int? {
        if let flag { return flag }
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let number = Int(text) else { throw SettingsError(description: "\(variable) is not a number: \(text)") }
        return number
    }

    private static func resolveMail(
        flags: SettingsFlags, value: (String?, String) -> String?, environment: [String: String], into settings: inout Settings
    ) throws {
        if let from = value(flags.mailFrom, "UNDERSIGNED_MAIL_FROM") { settings.mailFrom = try MailAddress(parsing: from) }
        if let replyTo = value(flags.mailReplyTo, "UNDERSIGNED_MAIL_REPLY_TO") { settings.mailReplyTo = try MailAddress(parsing: replyTo) }
        if let url = value(flags.smtpURL, "UNDERSIGNED_SMTP_URL") { settings.smtpServer = try SMTPServerLocation(url: url) }
        if settings.mailTransport == .smtp, settings.smtpServer == nil {
            throw SettingsError(description: "the smtp mail transport needs --smtp-url (UNDERSIGNED_SMTP_URL)")
        }
        if let connections = try number(flags.smtpConnections, "UNDERSIGNED_SMTP_CONNECTIONS", environment) { settings.smtpConnections = connections }
        guard (1...64).contains(settings.smtpConnections) else {
            throw SettingsError(description: "SMTP connections must be between 1 and 64")
        }
        settings.smtpCAFile = value(flags.smtpCAFile, "UNDERSIGNED_SMTP_CA_FILE")
        let selector = value(flags.dkimSelector, "UNDERSIGNED_DKIM_SELECTOR")
        if let keyFile = value(flags.dkimKeyFile, "UNDERSIGNED_DKIM_KEY_FILE") {
            guard let selector else { throw SettingsError(description: "a DKIM key needs a selector: --dkim-selector (UNDERSIGNED_DKIM_SELECTOR)") }
            let domain = value(flags.dkimDomain, "UNDERSIGNED_DKIM_DOMAIN") ?? settings.mailFrom.domain
            settings.dkim = DKIMSettings(keyFile: keyFile, selector: selector, domain: domain)
        } else if selector != nil {
            throw SettingsError(description: "a DKIM selector needs a key: --dkim-key-file (UNDERSIGNED_DKIM_KEY_FILE)")
        }
    }
}
