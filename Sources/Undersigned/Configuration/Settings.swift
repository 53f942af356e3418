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
        logLevel: Logger.Level = .info
    ) {
        self.hostname = hostname
        self.port = port
        self.database = database
        self.baseURL = baseURL ?? URL(string: "http://\(hostname):\(port)")!
        self.mailTransport = mailTransport
        self.mailDirectory = mailDirectory
        self.dataDirectory = dataDirectory
        self.logLevel = logLevel
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
    public var logLevel: String?
    public var abuse = AbuseFlags()

    public init(
        hostname: String? = nil, port: Int? = nil, database: String? = nil, baseURL: String? = nil,
        mailTransport: String? = nil, mailDirectory: String? = nil, dataDirectory: String? = nil,
        logLevel: String? = nil
    ) {
        self.hostname = hostname
        self.port = port
        self.database = database
        self.baseURL = baseURL
        self.mailTransport = mailTransport
        self.mailDirectory = mailDirectory
        self.dataDirectory = dataDirectory
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
        if let port = flags.port {
            settings.port = port
        } else if let text = environment["UNDERSIGNED_PORT"], !text.isEmpty {
            guard let port = Int(text) else { throw SettingsError(description: "UNDERSIGNED_PORT is not a number: \(text)") }
            settings.port = port
        }
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
        // Only from the environment: a flag would show the secret in the process list.
        settings.secret = environment["UNDERSIGNED_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let level = value(flags.logLevel, "UNDERSIGNED_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw SettingsError(description: "unknown log level \(level)")
            }
            settings.logLevel = parsed
        }
        settings.abuse = try AbuseSettings.resolve(flags: flags.abuse, environment: environment)
        return settings
    }
}
