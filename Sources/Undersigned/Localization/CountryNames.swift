import Foundation

/// Countries named in the interface's language, from the locale data Foundation carries, in
/// that language's alphabetical order.
enum CountryNames {
    static func name(of code: String, in language: InterfaceLanguage) -> String {
        byLanguage[language]?.names[code] ?? Country.named(code: code)?.name ?? code
    }

    /// Every country of the sign form, sorted for a reader of `language`.
    static func sorted(in language: InterfaceLanguage) -> [(code: String, name: String)] {
        byLanguage[language]?.sorted ?? Country.all.map { ($0.code, $0.name) }
    }

    private struct Names {
        var names: [String: String]
        var sorted: [(code: String, name: String)]
    }

    /// Where the locale data's name says more than the country's plain name ("mainland China").
    private static let plainNames: [InterfaceLanguage: [String: String]] = [
        .fr: ["CN": "Chine"], .ar: ["CN": "الصين"],
    ]

    private static let byLanguage: [InterfaceLanguage: Names] = Dictionary(
        uniqueKeysWithValues: InterfaceLanguage.allCases.map { language in
            let locale = Locale(identifier: language.code)
            var names: [String: String] = [:]
            for country in Country.all {
                // English keeps the bundled list's own names, which the rest of the site uses.
                names[country.code] =
                    language == .en
                    ? country.name
                    : plainNames[language]?[country.code] ?? locale.localizedString(forRegionCode: country.code)
                        ?? country.name
            }
            let sorted = Country.all.map { (code: $0.code, name: names[$0.code] ?? $0.name) }.sorted {
                $0.name.compare($1.name, locale: locale) == .orderedAscending
            }
            return (language, Names(names: names, sorted: sorted))
        })
}
