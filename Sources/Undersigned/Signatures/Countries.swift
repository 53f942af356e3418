import Foundation

/// ISO 3166-1 countries offered on the sign form, from `Resources/data/countries.json`
/// (generated from Debian's iso-codes).
public struct Country: Sendable, Equatable, Decodable {
    public let code: String
    public let name: String

    public static let all: [Country] = {
        // Shipped with the code: failing to read it is a broken build, not a runtime condition.
        try! JSONDecoder().decode([Country].self, from: Data(contentsOf: BundledResources.url("data/countries.json")))
    }()

    private static let byCode: [String: Country] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    public static func named(code: String) -> Country? {
        byCode[code.uppercased()]
    }
}
