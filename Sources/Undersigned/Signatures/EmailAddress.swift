/// An email address as typed by a signer, checked for shape, with the normalised form used
/// to recognise the same mailbox written differently.
public struct EmailAddress: Sendable, Equatable, Codable {
    /// The address as typed, trimmed: emails go here.
    public let address: String
    /// Lower-cased, with dots and `+tags` removed where the provider ignores them.
    public let normalized: String

    public init?(_ text: String) {
        let trimmed = text.trimmed()
        guard trimmed.utf8.count <= 254, let at = trimmed.lastIndex(of: "@") else { return nil }
        let local = trimmed[..<at]
        let domain = trimmed[trimmed.index(after: at)...].lowercased()
        guard Self.isValidLocalPart(local), Self.isValidDomain(domain) else { return nil }
        self.address = trimmed
        self.normalized = Self.normalize(local: local.lowercased(), domain: domain)
    }

    /// Providers known to deliver `a.b+tag@` to `ab@`. Others may treat dots and plus signs
    /// as significant, so their addresses are only lower-cased. Only Gmail ignores dots.
    private static let ignoresDots: Set<String> = ["gmail.com", "googlemail.com"]
    private static let ignoresPlusTags: Set<String> = [
        "gmail.com", "googlemail.com",
        // Microsoft
        "outlook.com", "hotmail.com", "live.com", "msn.com", "outlook.fr", "outlook.de", "outlook.es", "outlook.it",
        "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.es", "hotmail.it", "live.co.uk", "live.fr", "live.de",
        // Apple
        "icloud.com", "me.com", "mac.com",
        // Proton
        "protonmail.com", "protonmail.ch", "proton.me", "pm.me",
        // Fastmail
        "fastmail.com", "fastmail.fm",
        // Yandex
        "yandex.ru", "yandex.com", "ya.ru",
    ]
    /// Other names of the same mail service, whose mailboxes are one and the same.
    private static let sameService: [String: String] = ["googlemail.com": "gmail.com"]

    private static func normalize(local: String, domain: String) -> String {
        var local = Substring(local)
        if ignoresPlusTags.contains(domain), let plus = local.firstIndex(of: "+") {
            local = local[..<plus]
        }
        var result = String(local)
        if ignoresDots.contains(domain) {
            result.removeAll { $0 == "." }
        }
        return "\(result)@\(sameService[domain] ?? domain)"
    }

    private static func isValidLocalPart(_ local: Substring) -> Bool {
        guard (1...64).contains(local.utf8.count), local.first != ".", local.last != ".", !Self.hasTwoDots(local) else {
            return false
        }
        return local.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
            case 0x80...: scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            default: localPunctuation.contains(scalar)
            }
        }
    }

    private static let localPunctuation = Set("!#$%&'*+-/=?^_`{|}~.".unicodeScalars)

    /// `StringProtocol.contains(_:)` would go through Foundation's search for two bytes.
    private static func hasTwoDots(_ local: Substring) -> Bool {
        zip(local.utf8, local.utf8.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
    }

    private static func isValidDomain(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.unicodeScalars.allSatisfy { scalar in
                isASCIILetter(scalar) || scalar == "-" || ("0"..."9").contains(scalar) || scalar.properties.isAlphabetic
            }
        }
            && (labels.last?.unicodeScalars.allSatisfy { isASCIILetter($0) || $0 == "-" || $0.properties.isAlphabetic }
                ?? false)
    }

    /// Most domains are ASCII: their letters need no look-up in Unicode's properties.
    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        (0x61...0x7A).contains(scalar.value) || (0x41...0x5A).contains(scalar.value)
    }
}
