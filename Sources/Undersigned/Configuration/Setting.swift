import Foundation

/// One setting of an instance, declared once in ``SettingsTable``: its flag, its environment
/// variable, its default, what it allows, what it means, and how its text becomes its value.
/// The command line, its help, the validation messages and the README's table all read it.
public struct Setting<Value: Sendable>: Sendable {
    /// The flag, without its dashes; `nil` for a value that must stay out of the process list.
    public let flag: String?
    public let variable: String
    /// What the setting does, in Markdown (backticks only, so that the help reads it too).
    public let meaning: String
    let parser: SettingParser<Value>
    /// The default as the README and the help show it.
    let shownDefault: String
    private let fallback: @Sendable (Settings) -> Value

    public init(
        flag: String?, variable: String, default value: Value, parser: SettingParser<Value>, meaning: String
    ) {
        self.flag = flag
        self.variable = variable
        self.meaning = meaning
        self.parser = parser
        self.shownDefault = parser.show(value)
        self.fallback = { _ in value }
    }

    /// A setting whose default follows from others, as the base URL from the hostname and port.
    public init(
        flag: String?, variable: String, default shownDefault: String,
        derived fallback: @escaping @Sendable (Settings) -> Value,
        parser: SettingParser<Value>, meaning: String
    ) {
        self.flag = flag
        self.variable = variable
        self.meaning = meaning
        self.parser = parser
        self.shownDefault = shownDefault
        self.fallback = fallback
    }

    /// A setting that may be left unset, shown as `absent` in the default column.
    public init<Wrapped: Sendable>(
        flag: String?, variable: String, absent: String, parser: SettingParser<Wrapped>, meaning: String
    ) where Value == Wrapped? {
        self.flag = flag
        self.variable = variable
        self.meaning = meaning
        self.parser = SettingParser(
            allowed: parser.allowed, placeholder: parser.placeholder, parse: { try parser.parse($0) },
            show: { $0.map(parser.show) ?? absent })
        self.shownDefault = absent
        self.fallback = { _ in nil }
    }

    func defaultValue(in settings: Settings) -> Value {
        fallback(settings)
    }

    /// How error messages name the setting: its flag and its variable.
    var names: String {
        flag.map { "--\($0) (\(variable))" } ?? variable
    }
}

/// How the text of a flag or a variable becomes a value, and what the value may be.
public struct SettingParser<Value: Sendable>: Sendable {
    /// What the value may be, as a phrase in Markdown ("a whole number from 1 to 64"); `nil`
    /// when any text will do.
    let allowed: String?
    /// What follows the flag in the help: `--port <number>`; `nil` for a flag that takes no value.
    let placeholder: String?
    /// The value, or `nil` for a text that is not `allowed`; a parser with more to say throws a
    /// ``SettingsError`` naming the problem (without repeating the text, which may hold a password).
    let parse: @Sendable (String) throws -> Value?
    /// A value as an operator would write it, in Markdown.
    let show: @Sendable (Value) -> String

    /// The same text read into another type, as a count of seconds into a `Duration`.
    func map<Other: Sendable>(
        _ transform: @escaping @Sendable (Value) -> Other, back: @escaping @Sendable (Other) -> Value
    ) -> SettingParser<Other> {
        SettingParser<Other>(
            allowed: allowed, placeholder: placeholder, parse: { try parse($0).map(transform) },
            show: { show(back($0)) })
    }
}

extension SettingParser where Value == String {
    /// Any text, such as a path.
    public static func text(_ placeholder: String) -> SettingParser {
        SettingParser(allowed: nil, placeholder: placeholder, parse: { $0 }, show: { "`\($0)`" })
    }
}

extension SettingParser where Value == Int {
    public static func integer(_ range: ClosedRange<Int>) -> SettingParser {
        let allowed =
            range.upperBound == Int.max
            ? "a whole number, \(range.lowerBound) or more"
            : "a whole number from \(range.lowerBound) to \(range.upperBound)"
        return SettingParser(
            allowed: allowed, placeholder: "number", parse: { Int($0).flatMap { range.contains($0) ? $0 : nil } },
            show: { "`\($0)`" })
    }
}

extension SettingParser where Value == Duration {
    /// A whole number of `unit`s, each `seconds` long; the range keeps the product far from overflowing.
    public static func count(of unit: String, seconds: Int, _ range: ClosedRange<Int>) -> SettingParser {
        SettingParser<Int>(
            allowed: "a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound)",
            placeholder: unit, parse: { Int($0).flatMap { range.contains($0) ? $0 : nil } }, show: { "`\($0)`" }
        )
        .map({ .seconds($0 * seconds) }, back: { Int($0.components.seconds) / seconds })
    }
}

extension SettingParser where Value == Bool {
    /// A flag without a value turns it on; its variable says `true` or `false`.
    public static var onOff: SettingParser {
        SettingParser(
            allowed: "`true` or `false` (or `yes`/`no`, `on`/`off`, `1`/`0`)", placeholder: nil,
            parse: { text in
                switch text.lowercased() {
                case "1", "true", "yes", "on": true
                case "0", "false", "no", "off": false
                default: nil
                }
            },
            show: { $0 ? "on" : "off" })
    }
}

extension SettingParser where Value: CaseIterable & RawRepresentable, Value.RawValue == String {
    /// One of the cases, by its raw value.
    public static var choice: SettingParser {
        SettingParser(
            allowed: "one of " + Value.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "),
            placeholder: Value.allCases.map(\.rawValue).joined(separator: "|"),
            parse: { Value(rawValue: $0) }, show: { "`\($0.rawValue)`" })
    }
}

extension SettingParser where Value == URL {
    /// An absolute `http` or `https` URL with a host, kept without a trailing slash.
    public static var httpURL: SettingParser {
        SettingParser(
            allowed: "an absolute `http` or `https` URL", placeholder: "url",
            parse: { text in
                guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
                    url.host != nil
                else { return nil }
                return URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text) ?? url
            },
            show: { "`\($0.absoluteString)`" })
    }
}

extension SettingParser where Value == DatabaseLocation {
    public static var database: SettingParser {
        SettingParser(
            allowed: "a `sqlite://` or `postgres://` URL", placeholder: "url",
            parse: { try DatabaseLocation(url: $0) },
            show: { location in
                switch location {
                case .sqlite(let path): "`sqlite://\(path)`"
                case .postgres(let server): "`postgres://\(server.host):\(server.port)/\(server.database)`"
                }
            })
    }
}

extension SettingParser where Value == SMTPServerLocation {
    public static var smtpServer: SettingParser {
        SettingParser(
            allowed: "an `smtp://` or `smtps://` URL", placeholder: "url", parse: { try SMTPServerLocation(url: $0) },
            show: { "`\($0.description)`" })
    }
}

extension SettingParser where Value == MailAddress {
    public static var mailAddress: SettingParser {
        SettingParser(
            allowed: "`Name <address>` or `address`", placeholder: "address", parse: { try MailAddress(parsing: $0) },
            show: { "`\($0.header)`" })
    }
}

/// A setting whatever its type: what reading the command line, the environment, the help and
/// the README need of it.
protocol SettingDeclaration: Sendable {
    var flag: String? { get }
    var variable: String { get }
    var meaning: String { get }
    var names: String { get }
    var shownDefault: String { get }
    var allowed: String? { get }
    /// `nil` for a flag that takes no value.
    var placeholder: String? { get }
    /// Reads `text` into `settings`, or says plainly what is wrong, naming the flag and the variable.
    func read(_ text: String, into settings: inout Settings) throws
}

extension Setting: SettingDeclaration {
    var allowed: String? { parser.allowed }
    var placeholder: String? { parser.placeholder }

    func read(_ text: String, into settings: inout Settings) throws {
        let value: Value?
        do {
            value = try parser.parse(text)
        } catch let error as SettingsError {
            throw SettingsError(description: "\(names): \(error.description)")
        }
        guard let value else {
            throw SettingsError(description: "\(names) must be \(Markdown.plain(allowed ?? "given")), not \"\(text)\"")
        }
        settings.given[variable] = value
    }
}

/// The Markdown of meanings and defaults, as a terminal shows it.
enum Markdown {
    static func plain(_ markdown: String) -> String {
        markdown.replacingOccurrences(of: "`", with: "")
    }
}
