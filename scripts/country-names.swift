// Writes Sources/Undersigned/Resources/data/country-names.json: the sign form's countries
// named and sorted for each interface language, from the locale data Foundation carries.
// Run again when the toolchain's locale data or data/countries.json changes:
//     swift scripts/country-names.swift
// The server reads the table instead of the locale library, whose code and data would stay
// resident for as long as it runs.
import Foundation

struct Country: Decodable {
    let code: String
    let name: String
}

let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/Undersigned/Resources/data")
let countries = try JSONDecoder().decode(
    [Country].self, from: Data(contentsOf: resources.appendingPathComponent("countries.json")))

// Where the locale data's name says more than the country's plain name ("mainland China").
let plainNames = ["fr": ["CN": "Chine"], "ar": ["CN": "الصين"]]

var lines: [String] = []
for language in ["en", "fr", "ar"] {
    let locale = Locale(identifier: language)
    let named = countries.map { country in
        // English keeps the bundled list's own names, which the rest of the site uses.
        let name =
            language == "en"
            ? country.name
            : plainNames[language]?[country.code] ?? locale.localizedString(forRegionCode: country.code)
                ?? country.name
        return (code: country.code, name: name)
    }
    let sorted = named.sorted { $0.name.compare($1.name, locale: locale) == .orderedAscending }
    let rows = try sorted.map { pair in
        let name = try String(decoding: JSONEncoder().encode(pair.name), as: UTF8.self)
        return "  [\"\(pair.code)\", \(name)]"
    }
    lines.append("\"\(language)\": [\n" + rows.joined(separator: ",\n") + "\n]")
}
let json = "{\n" + lines.joined(separator: ",\n") + "\n}\n"
try json.write(to: resources.appendingPathComponent("country-names.json"), atomically: true, encoding: .utf8)
