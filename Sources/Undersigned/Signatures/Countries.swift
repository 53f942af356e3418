import Foundation

/// ISO 3166-1 countries offered on the sign form, from `Resources/data/countries.json`
/// (generated from Debian's iso-codes).
public struct Country: Sendable, Equatable, Decodable {
    public let code: String
    public let name: String

    /// Empty only in a broken build, which `checkBundledList` stops at startup.
    public static let all: [Country] =
        (try? JSONDecoder().decode([Country].self, from: Data(contentsOf: BundledResources.url("data/countries.json"))))
        ?? []

    static func checkBundledList() throws {
        guard !all.isEmpty else {
            throw PagesError(description: "the bundled list of countries (data/countries.json) cannot be read")
        }
    }

    private static let byCode: [String: Country] = Dictionary(
        all.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

    public static func named(code: String) -> Country? {
        byCode[code.uppercased()]
    }
}
