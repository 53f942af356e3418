import Ink

/// Turns an organizer's Markdown into HTML that is safe to place in a page.
public enum MarkdownRenderer {
    public static func html(from markdown: String) -> String {
        HTMLSanitizer.sanitize(MarkdownParser().html(from: markdown))
    }
}
