import Foundation

/// A petition's figures in the words of a page's language, as HTML of this code's own: the
/// catalog's text escaped, the numbers in elements the live count script finds.
struct CountWords: Sendable {
    let words: Translation

    init(_ language: InterfaceLanguage) {
        words = Translations.bundled[language]
    }

    /// "12,345 confirmed signatures", the number in `.count`; the phrase's plural forms ride
    /// along for the live count to pick from as the number changes.
    func count(_ count: Int) -> String {
        #"<span class="count-line" data-forms="\#(Self.countForms[words.language] ?? "")">"#
            + html(
                words.counted(.petitionCount, count, ["count": "\u{E000}"]), number: #"<strong class="count">"#, count)
            + "</span>"
    }

    /// The count's plural forms, escaped for an attribute: made once, sent with every page.
    private static let countForms: [InterfaceLanguage: String] = Dictionary(
        uniqueKeysWithValues: InterfaceLanguage.allCases.map {
            ($0, HTMLSanitizer.escapeAttribute(Translations.bundled[$0].formsJSON(.petitionCount)))
        })

    /// "goal 20,000", the number in `.goal`; once the organizers' goal is reached, that it was
    /// and the milestone shown now: "goal of 10 reached · next goal 20".
    func goal(count: Int, organizerGoal: Int) -> String {
        let goal = Goal.displayed(count: count, organizerGoal: organizerGoal)
        guard count >= organizerGoal else {
            return html(words.text(.petitionGoal, ["goal": "\u{E000}"]), number: #"<span class="goal">"#, goal)
        }
        return html(
            words.text(
                .petitionGoalReached, ["reached": words.language.number(organizerGoal), "goal": "\u{E000}"]),
            number: #"<span class="goal">"#, goal)
    }

    /// "of which 12 on paper", on a line of its own; empty when none were.
    func paper(_ count: Int) -> String {
        guard count > 0 else { return "" }
        return #"<br><span class="fine">"# + HTMLSanitizer.escapeAttribute(words.counted(.petitionOnPaper, count))
            + "</span>"
    }

    /// The latest signed tree head, in words, escaped.
    func log(_ head: SignedTreeHead?) -> String {
        guard let head else { return HTMLSanitizer.escapeAttribute(words.text(.petitionLogNone)) }
        let root = head.root.hex
        let entries = words.counted(.petitionLogEntries, Int(clamping: head.size))
        return HTMLSanitizer.escapeAttribute(
            words.text(
                .petitionLogLine,
                [
                    "entries": entries, "count": words.language.number(head.count),
                    "root": "\(root.prefix(12))…\(root.suffix(4))", "date": words.language.dateTime(head.timestamp),
                ]))
    }

    /// The escaped text with its one marked number in `opening`'s element.
    private func html(_ text: String, number opening: String, _ value: Int) -> String {
        let closing = opening.hasPrefix("<strong") ? "</strong>" : "</span>"
        let scalars = HTMLSanitizer.escapeAttribute(text).unicodeScalars
        guard let marker = scalars.firstIndex(of: "\u{E000}") else { return String(scalars) }
        return String(scalars[..<marker]) + opening + words.language.number(value) + closing
            + String(scalars[scalars.index(after: marker)...])
    }
}
