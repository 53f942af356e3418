import Foundation

/// The interface's words in each language, from `Resources/locales/<code>.json`: one file per
/// language that a translator edits, a flat object from key to text, or, for a phrase with a
/// number, to one text per CLDR plural category. `{name}` in a text is a placeholder. English
/// is the reference; a key another language lacks is shown in English.
public struct Translations: Sendable {
    private let catalogs: [InterfaceLanguage: Catalog]

    init(catalogs: [InterfaceLanguage: Catalog]) {
        self.catalogs = catalogs
    }

    /// The bundled catalogs, read once. ``Pages/load()`` reads them first and stops startup on a
    /// file that is missing or not in the expected shape, so they are never empty when serving.
    public static let bundled: Translations = (try? load()) ?? Translations(catalogs: [:])

    public static func load() throws -> Translations {
        try load(from: BundledResources.url("locales"))
    }

    public static var english: Translation { bundled[.en] }

    static func load(from directory: URL) throws -> Translations {
        var catalogs: [InterfaceLanguage: Catalog] = [:]
        for language in InterfaceLanguage.allCases {
            let file = directory.appendingPathComponent("\(language.code).json")
            do {
                catalogs[language] = try Catalog(json: Data(contentsOf: file))
            } catch {
                throw TranslationsError(description: "\(file.path): \(error)")
            }
        }
        return Translations(catalogs: catalogs)
    }

    public subscript(language: InterfaceLanguage) -> Translation {
        Translation(language: language, own: catalogs[language] ?? Catalog(), english: catalogs[.en] ?? Catalog())
    }

    /// What a translator has to do: per language, the keys the interface uses that it lacks,
    /// those it has that nothing uses, and texts whose placeholders or plural forms are wrong.
    func problems(usedKeys: Set<String>) -> [InterfaceLanguage: CatalogProblems] {
        let english = catalogs[.en] ?? Catalog()
        var problems: [InterfaceLanguage: CatalogProblems] = [:]
        for language in InterfaceLanguage.allCases {
            let catalog = catalogs[language] ?? Catalog()
            var found = CatalogProblems()
            found.missing = usedKeys.filter { catalog.entries[$0] == nil }.sorted()
            found.unused = catalog.entries.keys.filter { !usedKeys.contains($0) }.sorted()
            for (key, entry) in catalog.entries.sorted(by: { $0.key < $1.key }) {
                if let reference = english.entries[key], entry.placeholders != reference.placeholders {
                    found.wrong.append(
                        "\(key): placeholders \(entry.placeholders.sorted()) instead of \(reference.placeholders.sorted())"
                    )
                }
                if case .plural(let forms) = entry {
                    let lacking = language.pluralCategories.filter { forms[$0] == nil }
                    if !lacking.isEmpty {
                        found.wrong.append("\(key): no form for \(lacking.map(\.rawValue).joined(separator: ", "))")
                    }
                }
            }
            problems[language] = found
        }
        return problems
    }
}

struct CatalogProblems: Equatable {
    var missing: [String] = []
    var unused: [String] = []
    var wrong: [String] = []

    var isEmpty: Bool { missing.isEmpty && unused.isEmpty && wrong.isEmpty }
}

struct TranslationsError: Error, CustomStringConvertible {
    var description: String
}

/// One language's entries.
struct Catalog: Sendable {
    enum Entry: Sendable, Equatable {
        case text(String)
        case plural([PluralCategory: String])

        var placeholders: Set<String> {
            switch self {
            case .text(let text): Self.placeholders(in: text)
            case .plural(let forms): forms.values.reduce(into: Set()) { $0.formUnion(Self.placeholders(in: $1)) }
            }
        }

        private static func placeholders(in text: String) -> Set<String> {
            var names: Set<String> = []
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                let after = rest[rest.index(after: open)...]
                guard let close = after.firstIndex(of: "}") else { break }
                names.insert(String(after[..<close]))
                rest = after[after.index(after: close)...]
            }
            return names
        }
    }

    var entries: [String: Entry] = [:]

    init() {}

    init(json: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw TranslationsError(description: "not a JSON object")
        }
        for (key, value) in object {
            if let text = value as? String {
                entries[key] = .text(text)
            } else if let forms = value as? [String: String] {
                var plural: [PluralCategory: String] = [:]
                for (category, text) in forms {
                    guard let category = PluralCategory(rawValue: category) else {
                        throw TranslationsError(description: "\(key): \(category) is not a plural category")
                    }
                    plural[category] = text
                }
                guard plural[.other] != nil else {
                    throw TranslationsError(description: "\(key): a counted phrase needs its \"other\" form")
                }
                entries[key] = .plural(plural)
            } else {
                throw TranslationsError(description: "\(key): neither a text nor plural forms")
            }
        }
    }
}

/// The interface's words in one language.
public struct Translation: Sendable {
    public let language: InterfaceLanguage
    let own: Catalog
    let english: Catalog

    /// The text of `key` with its placeholders filled; the key itself when no catalog has it,
    /// which the catalog tests forbid.
    func text(_ key: Phrase, _ values: [String: String] = [:]) -> String {
        text(key.rawValue, values)
    }

    /// The form of `key` for `count`, with `{count}` the number written as the language does
    /// unless `values` has a `count` of its own (markup around it, say).
    func counted(_ key: Phrase, _ count: Int, _ values: [String: String] = [:]) -> String {
        var values = values
        if values["count"] == nil { values["count"] = language.number(count) }
        switch entry(key.rawValue) {
        case .plural(let forms)?:
            let form = forms[language.pluralCategory(of: count)] ?? forms[.other] ?? key.rawValue
            return Self.fill(form, values)
        case .text(let text)?: return Self.fill(text, values)
        case nil: return key.rawValue
        }
    }

    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        switch entry(key) {
        case .text(let text)?: Self.fill(text, values)
        case .plural(let forms)?: Self.fill(forms[.other] ?? key, values)
        case nil: key
        }
    }

    func has(_ key: String) -> Bool { entry(key) != nil }

    /// A counted phrase's forms by CLDR category, as JSON, for a script that counts live.
    func formsJSON(_ key: Phrase) -> String {
        let forms: [String: String] =
            switch entry(key.rawValue) {
            case .plural(let forms)?: Dictionary(uniqueKeysWithValues: forms.map { ($0.key.rawValue, $0.value) })
            case .text(let text)?: ["other": text]
            case nil: [:]
            }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(forms)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    private func entry(_ key: String) -> Catalog.Entry? {
        own.entries[key] ?? english.entries[key]
    }

    /// Works on the text's UTF-8: the braces are ASCII, and walking characters instead costs
    /// a grapheme break per step in every email and page that fills a phrase.
    private static func fill(_ text: String, _ values: [String: String]) -> String {
        let (openBrace, closeBrace) = (UInt8(ascii: "{"), UInt8(ascii: "}"))
        guard !values.isEmpty, text.utf8.contains(openBrace) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let open = rest.utf8.firstIndex(of: openBrace) {
            result += rest[..<open]
            let after = rest[rest.utf8.index(after: open)...]
            guard let close = after.utf8.firstIndex(of: closeBrace) else {
                rest = rest[open...]
                break
            }
            let name = String(after[..<close])
            result += values[name] ?? "{\(name)}"
            rest = after[after.utf8.index(after: close)...]
        }
        return result + rest
    }
}
