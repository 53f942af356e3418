import Foundation

/// What an organizer writes in the editor, checked before it is stored.
public struct PetitionContent: Sendable, Equatable {
    public var title: String
    public var summary: String
    public var bodyMarkdown: String
    public var language: String
    public var goal: Int
    public var targets: [Target]

    public init(title: String, summary: String, bodyMarkdown: String, language: String, goal: Int, targets: [Target]) {
        self.title = title
        self.summary = summary
        self.bodyMarkdown = bodyMarkdown
        self.language = language
        self.goal = goal
        self.targets = targets
    }

    static let titleLimit = 150
    static let summaryLimit = 500
    static let bodyLimit = 20_000
    static let targetLimit = 20
    static let targetFieldLimit = 200
    static let goalRange = 1...100_000_000

    /// Whether a text is short enough to be stored, and so to be rendered in a preview: a
    /// longer one is refused before any Markdown is parsed.
    public static func fitsBodyLimit(_ bodyMarkdown: String?) -> Bool {
        normalizedBody(bodyMarkdown).count <= bodyLimit
    }

    private static func normalizedBody(_ bodyMarkdown: String?) -> String {
        (bodyMarkdown ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// Trims what was typed and says, field by field, what is wrong with it, in the
    /// organizer's language `words`.
    public static func validated(
        title: String?, summary: String?, bodyMarkdown: String?, language: String?, goal: String?, targets: [Target],
        in words: Translation = Translations.english
    ) -> Result<PetitionContent, FormProblems> {
        var problems = FormProblems()
        let text = checkedText(
            title: title, summary: summary, bodyMarkdown: bodyMarkdown, language: language, problems: &problems,
            in: words)
        let goal = Int(
            Self.trimmed(goal).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: " ", with: ""))
        if goal.map({ !goalRange.contains($0) }) ?? true {
            problems["goal"] = words.text(.editorErrorGoal, ["limit": words.language.number(goalRange.upperBound)])
        }
        let targets = targets.map { target in
            Target(
                name: Self.trimmed(target.name), role: Self.trimmed(target.role),
                organization: Self.trimmed(target.organization),
                contact: target.contact.map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 })
        }
        if targets.isEmpty {
            problems["targets"] = words.text(.editorErrorNoTarget)
        } else if targets.count > targetLimit {
            problems["targets"] = words.text(.editorErrorTooManyTargets, ["limit": words.language.number(targetLimit)])
        } else if targets.contains(where: { $0.name.isEmpty }) {
            problems["targets"] = words.text(.editorErrorTargetName)
        } else if targets.contains(where: { target in
            [target.name, target.role, target.organization, target.contact ?? ""].contains {
                $0.count > targetFieldLimit
            }
        }) {
            problems["targets"] = words.text(
                .editorErrorTargetFields, ["limit": words.language.number(targetFieldLimit)])
        }
        guard problems.isEmpty, let goal else { return .failure(problems) }
        return .success(
            PetitionContent(
                title: text.title, summary: text.summary, bodyMarkdown: text.bodyMarkdown, language: text.language,
                goal: goal, targets: targets))
    }

    /// The title, summary, text and language, trimmed, with what is wrong with them added to `problems`.
    static func checkedText(
        title: String?, summary: String?, bodyMarkdown: String?, language: String?, problems: inout FormProblems,
        in words: Translation
    ) -> PetitionTranslation {
        let title = Self.trimmed(title)
        if title.isEmpty || title.count > titleLimit {
            problems["title"] = words.text(.editorErrorTitle, ["limit": words.language.number(titleLimit)])
        }
        let summary = Self.trimmed(summary)
        if summary.isEmpty || summary.count > summaryLimit {
            problems["summary"] = words.text(.editorErrorSummary, ["limit": words.language.number(summaryLimit)])
        }
        let body = normalizedBody(bodyMarkdown)
        if body.isEmpty || body.count > bodyLimit {
            problems["body"] = words.text(.editorErrorBody, ["limit": words.language.number(bodyLimit)])
        }
        let language = Self.trimmed(language)
        if !Self.isLanguageTag(language) {
            problems["language"] = words.text(.editorErrorLanguage)
        }
        return PetitionTranslation(language: language, title: title, summary: summary, bodyMarkdown: body)
    }

    /// The fields that freeze once the petition opens (see ``Petition/isTextFrozen``).
    public func changesMeaning(comparedTo other: PetitionContent) -> Bool {
        title != other.title || bodyMarkdown != other.bodyMarkdown || language != other.language
            || targets != other.targets
    }

    /// A BCP 47 tag of the simple kind petitions use: a language, optionally with a script
    /// and region ("ar", "fr-CA", "zh-Hant-TW").
    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count),
            language.allSatisfy({ $0.isASCII && $0.isLowercase }),
            parts.count <= 3
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (2...4).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    private static func trimmed(_ text: String?) -> String {
        (text ?? "").trimmed()
    }
}

/// Addresses of new petitions.
public enum PetitionSlug {
    /// A slug suggested by the title, or a random one when the title has no Latin letters
    /// (an Arabic title, say), so that every petition gets a readable, valid address.
    public static func suggested(by title: String) -> String {
        let words = Organization.slug(suggestedBy: title).split(separator: "-").prefix(8).joined(separator: "-")
        let stem = String(words.prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        let suffix = String(UUID.random().text.prefix(6))
        return stem.count >= 3 ? "\(stem)-\(suffix)" : "petition-\(suffix)"
    }

    /// Lower-case letters, digits and inner hyphens, 3 to 80 characters.
    public static func isValid(_ slug: String) -> Bool {
        guard (3...80).contains(slug.utf8.count), slug.first != "-", slug.last != "-" else { return false }
        return slug.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}
