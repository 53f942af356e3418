/// A mailbox with an optional display name, as in `Undersigned <no-reply@example.org>`.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public var name: String?
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    /// Reads `Name <local@domain>` or a bare `local@domain`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            let unquoted =
                display.hasPrefix("\"") && display.hasSuffix("\"") && display.count >= 2
                ? String(display.dropFirst().dropLast()) : display
            name = unquoted.isEmpty ? nil : unquoted
        }
        guard Self.isPlausible(address) else {
            throw SettingsError(
                description: "not an email address: \(text) (expected Name <local@domain> or local@domain)")
        }
        self.init(name: name.map(MIMEEncoding.headerSafe), address: address)
    }

    public var domain: String {
        address.split(separator: "@").last.map(String.init) ?? address
    }

    /// The header form: the name quoted or RFC 2047-encoded, the address in angle brackets.
    public var header: String {
        guard let name, !name.isEmpty else { return "<\(MIMEEncoding.headerSafe(address))>" }
        return "\(MIMEEncoding.phrase(name)) <\(MIMEEncoding.headerSafe(address))>"
    }

    public var description: String { header }

    /// Enough to catch a typo in a setting; recipients are checked by ``EmailAddress``.
    /// Read scalar by scalar: as characters, `\r\n` is one that is neither `\r` nor `\n`.
    private static func isPlausible(_ address: String) -> Bool {
        let parts = address.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden = Set(" \t\r\n<>()[],;:\"\\".unicodeScalars)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !address.unicodeScalars.contains(where: forbidden.contains)
    }
}
