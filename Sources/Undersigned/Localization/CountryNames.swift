import Foundation

/// Countries named in the interface's language and in its alphabetical order, from
/// `Resources/data/country-names.json`, which `scripts/country-names.swift` writes from the
/// locale data Foundation carries. Reading a table keeps the locale library's code and data,
/// megabytes, out of the server's memory.
enum CountryNames {
    static func name(of code: String, in language: InterfaceLanguage) -> String {
        byLanguage[language]?.names[code] ?? Country.named(code: code)?.name ?? code
    }

    /// Every country of the sign form, sorted for a reader of `language`.
    static func sorted(in language: InterfaceLanguage) -> [(code: String, name: String)] {
        byLanguage[language]?.sorted ?? Country.all.map { ($0.code, $0.name) }
    }

    /// Stops a build whose table is missing a language or a country of the bundled list.
    static func checkBundledTable() throws {
        let codes = Set(Country.all.map(\.code))
        for language in InterfaceLanguage.allCases {
            guard let table = byLanguage[language], Set(table.names.keys) == codes, table.sorted.count == codes.count
            else {
                throw PagesError(
                    description:
                        "data/country-names.json does not name every country of data/countries.json in \(language.code)"
                )
            }
        }
    }

    private struct Names {
        var names: [String: String]
        var sorted: [(code: String, name: String)]
    }

    private static let byLanguage: [InterfaceLanguage: Names] = {
        guard
            let data = try? Data(contentsOf: BundledResources.url("data/country-names.json")),
            let table = try? JSONDecoder().decode([String: [[String]]].self, from: data)
        else { return [:] }
        var byLanguage: [InterfaceLanguage: Names] = [:]
        for (code, rows) in table {
            guard let language = InterfaceLanguage(rawValue: code) else { continue }
            let sorted = rows.compactMap { row in row.count == 2 ? (code: row[0], name: row[1]) : nil }
            byLanguage[language] = Names(
                names: Dictionary(sorted.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first }),
                sorted: sorted)
        }
        return byLanguage
    }()
}
