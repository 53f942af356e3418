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
    public var logLevel: Logger.Level
    public var abuse = AbuseSettings()

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
        logLevel: Logger.Level = .info
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
    public var logLevel: String?
    public var abuse = AbuseFlags()

    public init(
        hostname: String? = nil, port: Int? = nil, database: String? = nil, baseURL: String? = nil,
        mailTransport: String? = nil, mailDirectory: String? = nil, dataDirectory: String? = nil,
        keyFile: String? = nil, logKeyFile: String? = nil, deliveredDataRetentionDays: Int? = nil, logLevel: String? = nil
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
    }
}

public enum MailTransportKind: String, Sendable, CaseIterable {
    /// One `.eml` file per message in the mail directory (development).
    case file
    /// Logs that a message was sent, without its content (load tests, dry runs).
    case log
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
        return settings
    }

    private static func number(_ flag: Int?, _ variable: String, _ environment: [String: String]) throws -> Int? {
        if let flag { return flag }
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let number = Int(text) else { throw SettingsError(description: "\(variable) is not a number: \(text)") }
        return number
    }
}
