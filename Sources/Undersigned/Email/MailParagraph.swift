import Foundation

/// A paragraph of an email, written once and rendered as text and as HTML.
public enum MailParagraph: Sendable, Hashable {
    case text(String)
    case link(String, label: String)

    static func text(_ paragraphs: [MailParagraph]) -> String {
        paragraphs.map(\.plainText).joined(separator: "\n\n") + "\n"
    }

    var plainText: String {
        switch self {
        case .text(let text): text
        case .link(let url, _): url
        }
    }

    /// Its line of the HTML body.
    var htmlLine: String {
        switch self {
        case .text(let text):
            "<p>\(HTMLSanitizer.escapeAttribute(text))</p>"
        case .link(let url, let label):
            "<p><a href=\"\(HTMLSanitizer.escapeAttribute(url))\">\(HTMLSanitizer.escapeAttribute(label))</a></p>"
        }
    }

    /// Inline styles only: mail clients ignore style sheets. Right-to-left languages get `dir`.
    static func html(_ paragraphs: [MailParagraph], title: String, language: InterfaceLanguage) -> String {
        htmlHead(title: title, language: language) + "\n" + paragraphs.map(\.htmlLine).joined(separator: "\n") + "\n"
            + htmlFoot
    }

    /// The HTML body's lines before the paragraphs', without the line break after them.
    static func htmlHead(title: String, language: InterfaceLanguage) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.code)" dir="\(language.direction)">
        <head><meta charset="utf-8"><title>\(HTMLSanitizer.escapeAttribute(title))</title></head>
        <body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
        """
    }

    /// The HTML body's lines after the paragraphs', its last line break included.
    static let htmlFoot = "</body>\n</html>\n"
}
