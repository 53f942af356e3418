import Ink

/// Turns an organizer's Markdown into HTML that is safe to place in a page, in time
/// proportional to its length (see ``MarkdownInput``).
public enum MarkdownRenderer {
    public static func html(from markdown: String) -> String {
        HTMLSanitizer.sanitize(MarkdownParser().html(from: preparedForInk(markdown)))
    }

    /// ``MarkdownInput``, then what keeps Ink 0.6 from stopping or stalling the process on
    /// what remains; each change shows the same.
    static func preparedForInk(_ markdown: String) -> String {
        escapingUnclosedParagraphTags(withoutTrailingWhitespace(MarkdownInput.prepared(markdown)))
    }

    /// Ink 0.6 reads past the end of the text (a crash) when a list is followed by a last
    /// line of only spaces or tabs; white space at the very end means nothing in Markdown.
    static func withoutTrailingWhitespace(_ markdown: String) -> String {
        guard let last = markdown.unicodeScalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(markdown.unicodeScalars[...last])
    }

    /// Ink 0.6 loops for ever, taking ever more memory, on a `<p` (or `<P`, `<pre`…) that
    /// no `>` follows: it cannot read it as HTML, and its paragraph stops before it. Read as
    /// Ink reads, character by character: a `>` joined to a combining mark is no `>` to
    /// Ink, though it is one byte by byte. Such a `<` can never start a tag, so it is
    /// written as `&lt;`.
    static func escapingUnclosedParagraphTags(_ markdown: String) -> String {
        let tailStart = markdown.lastIndex(of: ">").map(markdown.index(after:)) ?? markdown.startIndex
        let tail = markdown[tailStart...]
        guard tail.contains("<") else { return markdown }
        var escaped = String(markdown[..<tailStart])
        for index in tail.indices {
            let next = tail.index(after: index)
            if tail[index] == "<", next < tail.endIndex, tail[next].lowercased() == "p" {
                escaped += "&lt;"
            } else {
                escaped.append(tail[index])
            }
        }
        return escaped
    }
}
