import Foundation

/// Domains of throwaway mailboxes, from a text file: one domain a line, `#` starts a
/// comment. A signature must be confirmed from a mailbox its signer keeps, so these are
/// refused on the form. A subdomain of a listed domain is refused too.
public struct DisposableDomains: Sendable {
    private let domains: Set<String>

    public static let none = DisposableDomains(domains: [])

    init(domains: Set<String>) {
        self.domains = domains
    }

    public init(text: String) {
        var domains = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces).lowercased()
            if !entry.isEmpty { domains.insert(entry) }
        }
        self.domains = domains
    }

    /// The list in `file`, or the one shipped with Undersigned.
    public static func load(file: String?) throws -> DisposableDomains {
        let url = file.map { URL(fileURLWithPath: $0) } ?? BundledResources.url("data/disposable-domains.txt")
        do {
            return DisposableDomains(text: try String(contentsOf: url, encoding: .utf8))
        } catch {
            throw SettingsError(
                description: "cannot read the disposable domains file \(url.path): \(error.localizedDescription)")
        }
    }

    public var count: Int { domains.count }

    public func contains(domainOf address: EmailAddress) -> Bool {
        guard let at = address.normalized.lastIndex(of: "@") else { return false }
        var domain = address.normalized[address.normalized.index(after: at)...]
        while true {
            if domains.contains(String(domain)) { return true }
            guard let dot = domain.firstIndex(of: ".") else { return false }
            domain = domain[domain.index(after: dot)...]
        }
    }
}
