import Foundation

/// A paragraph of an email, written once and rendered as text and as HTML.
public enum MailParagraph: Sendable, Equatable {
    case text(String)
    case link(String, label: String)

    static func text(_ paragraphs: [MailParagraph]) -> String {
        paragraphs.map { paragraph in
            switch paragraph {
            case .text(let text): text
            case .link(let url, _): url
            }
        }.joined(separator: "\n\n") + "\n"
    }

    /// Inline styles only: mail clients ignore style sheets. Right-to-left languages get `dir`.
    static func html(_ paragraphs: [MailParagraph], title: String, language: InterfaceLanguage) -> String {
        let direction = language.direction
        let body = paragraphs.map { paragraph in
            switch paragraph {
            case .text(let text):
                "<p>\(HTMLSanitizer.escapeAttribute(text))</p>"
            case .link(let url, let label):
                "<p><a href=\"\(HTMLSanitizer.escapeAttribute(url))\">\(HTMLSanitizer.escapeAttribute(label))</a></p>"
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="\(language.code)" dir="\(direction)">
            <head><meta charset="utf-8"><title>\(HTMLSanitizer.escapeAttribute(title))</title></head>
            <body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }
}
