import Foundation

/// What a translator needs to know of the catalogs: per language, the keys the interface uses
/// that it lacks, those it has that nothing uses, and texts whose placeholders or plural forms
/// do not match. `undersigned translations` prints it; the tests require it empty.
public enum CatalogCheck {
    public struct Report: Sendable {
        public var problems: [(language: InterfaceLanguage, missing: [String], unused: [String], wrong: [String])]

        public var isClean: Bool { problems.allSatisfy { $0.missing.isEmpty && $0.unused.isEmpty && $0.wrong.isEmpty } }

        /// One line per problem, by language.
        public var lines: [String] {
            problems.flatMap { found in
                found.missing.map { "\(found.language.code): missing \($0)" }
                    + found.unused.map { "\(found.language.code): unused \($0)" }
                    + found.wrong.map { "\(found.language.code): \($0)" }
            }
        }
    }

    public static func run() throws -> Report {
        let translations = try Translations.load()
        let used = try usedKeys(templates: BundledResources.url("templates"))
        let problems = translations.problems(usedKeys: used)
        return Report(
            problems: InterfaceLanguage.allCases.map { language in
                let found = problems[language] ?? CatalogProblems()
                return (language, found.missing, found.unused, found.wrong)
            })
    }

    /// The keys the templates name (`{{t.key}}`) and those the code does (``Phrase``).
    static func usedKeys(templates directory: URL) throws -> Set<String> {
        var keys = Set(Phrase.allCases.map(\.rawValue))
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        for file in files where file.pathExtension == "mustache" {
            keys.formUnion(templateKeys(in: try String(contentsOf: file, encoding: .utf8)))
        }
        return keys
    }

    /// `petition.sign_heading` for each `{{t.petition.sign_heading}}` (or a section of it).
    static func templateKeys(in template: String) -> Set<String> {
        var keys: Set<String> = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            let tag = rest.drop { "{#^/& ".contains($0) }
            guard tag.hasPrefix("t.") else { continue }
            let key = tag.dropFirst(2).prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
            if !key.isEmpty { keys.insert(String(key)) }
        }
        return keys
    }
}
