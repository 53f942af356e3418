import Foundation
import Logging

/// The settings of an Undersigned instance, each read by its name in ``SettingsTable``:
/// `settings.port` is the value of `SettingsTable.port`, given or its default. A value is set
/// the same way (`settings.port = 0`), as tests do.
@dynamicMemberLookup
public struct Settings: Sendable {
    /// The values given, by variable name; a setting not given has its default.
    var given: [String: any Sendable] = [:]

    static let table = SettingsTable()

    /// Every setting at its default.
    public init() {}

    public subscript<Value>(dynamicMember path: KeyPath<SettingsTable, Setting<Value>>) -> Value {
        get {
            let setting = Self.table[keyPath: path]
            guard let value = given[setting.variable] else { return setting.defaultValue(in: self) }
            return value as? Value ?? setting.defaultValue(in: self)
        }
        set {
            given[Self.table[keyPath: path].variable] = newValue
        }
    }

    /// Reads the settings from command-line flags (`--port 9000`, `--port=9000`, or
    /// `--trust-forwarded-for` alone), then from `UNDERSIGNED_*` variables: a flag beats its
    /// variable, which beats the default.
    public static func resolve(arguments: [String], environment: [String: String]) throws -> Settings {
        let flagged = try flagTexts(in: arguments)
        var settings = Settings()
        for setting in SettingsTable.all {
            let text = flagged[setting.variable] ?? environment[setting.variable].flatMap { $0.isEmpty ? nil : $0 }
            if let text { try setting.read(text, into: &settings) }
        }
        try settings.checkCombinations()
        return settings
    }

    /// Each flag's text by its variable's name; the last of a flag given twice wins.
    private static func flagTexts(in arguments: [String]) throws -> [String: String] {
        let byFlag = Dictionary(
            SettingsTable.all.compactMap { setting in setting.flag.map { ($0, setting) } },
            uniquingKeysWith: { a, _ in a })
        var texts: [String: String] = [:]
        var words = arguments[...]
        while let word = words.popFirst() {
            guard word.hasPrefix("--") else { throw SettingsError(description: "unexpected argument \"\(word)\"") }
            let parts = word.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let setting = byFlag[name] else { throw SettingsError(description: "unknown option --\(name)") }
            let inline = parts.count > 1 ? String(parts[1]) : nil
            if setting.placeholder == nil {
                guard inline == nil else { throw SettingsError(description: "--\(name) takes no value") }
                texts[setting.variable] = "true"
            } else if let text = inline ?? words.popFirst() {
                texts[setting.variable] = text
            } else {
                let allowed = setting.allowed.map { ": \(Markdown.plain($0))" } ?? ""
                throw SettingsError(description: "--\(name) needs a value\(allowed)")
            }
        }
        return texts
    }

    /// What no single setting can check alone.
    private func checkCombinations() throws {
        let table = Self.table
        if given[table.baseURL.variable] == nil,
            URL(string: "http://\(self.hostname):\(self.port)")?.host == nil
        {
            throw SettingsError(
                description:
                    "\(table.hostname.names) is not a valid host name or address: \(self.hostname); give \(table.baseURL.names) to listen on it"
            )
        }
        if self.mailTransport == .smtp, self.smtpServer == nil {
            throw SettingsError(description: "the smtp mail transport needs \(table.smtpServer.names)")
        }
        if self.dkimKeyFile != nil, self.dkimSelector == nil {
            throw SettingsError(description: "a DKIM key needs a selector: \(table.dkimSelector.names)")
        }
        if self.dkimSelector != nil, self.dkimKeyFile == nil {
            throw SettingsError(description: "a DKIM selector needs a key: \(table.dkimKeyFile.names)")
        }
    }

    /// `http://HOST:PORT`, the address a server with no configured base URL is reached at.
    static func localURL(hostname: String, port: Int) -> URL {
        var components = URLComponents()
        components.scheme = "http"
        components.host = hostname
        components.port = port
        return components.url ?? URL(fileURLWithPath: "/")
    }

    /// A file in the data directory.
    func dataFile(_ name: String) -> String {
        URL(fileURLWithPath: self.dataDirectory, isDirectory: true).appendingPathComponent(name).path
    }

    /// The tree-head signing key, configured or from its file (created on first run).
    public func loadLogSigningKey() throws -> LogSigningKey {
        try LogSigningKey.load(configured: self.logKey, keyFile: self.logKeyFile)
    }

    /// The configured master keys, or those of the key file (created on first run).
    @Sendable public func loadMasterKeys() throws -> MasterKeys {
        try MasterKeys.load(configured: self.masterKeys, keyFile: self.keyFile)
    }

    /// The logger an instance so configured writes to.
    public func makeLogger() -> Logger {
        Logger(label: "undersigned") { StandardErrorLog(label: $0, level: self.logLevel) }
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
