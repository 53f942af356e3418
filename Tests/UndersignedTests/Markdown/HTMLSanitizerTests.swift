import Testing

@testable import Undersigned

@Suite("Markdown and the HTML sanitiser")
struct HTMLSanitizerTests {
    @Test("Markdown renders to the allowed elements")
    func markdown() {
        let html = MarkdownRenderer.html(from: "# Heading\n\nSome *emphasis* and **strength**.\n\n- one\n- two\n\n> quoted\n\n[link](https://example.org)")
        #expect(html.contains("<h2>Heading</h2>"))
        #expect(html.contains("<em>emphasis</em>"))
        #expect(html.contains("<strong>strength</strong>"))
        #expect(html.contains("<li>one</li>"))
        #expect(html.contains("<blockquote>"))
        #expect(html.contains(#"<a href="https://example.org" rel="nofollow noopener noreferrer">link</a>"#))
    }

    @Test(
        "nothing that runs, loads or escapes survives",
        arguments: [
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"jav&#x61;script:alert(1)\">x</a>", "<a href=\"  javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>", "<p onclick=\"alert(1)\">x</p>", "<style>body{}</style>",
            "<svg><script>alert(1)</script></svg>", "<a href=\"//evil.example\">x</a>", "<object data=x></object>",
            "<scr<script>ipt>alert(1)</script>", "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "</p></div></main><script>alert(1)</script>", "<!-- <script>alert(1)</script> -->", "<form action=x><input></form>",
        ])
    func hostile(input: String) {
        let html = MarkdownRenderer.html(from: input)
        let lower = html.lowercased()
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("javascript:"))
        #expect(!lower.contains(" on"), "no event handler attribute: \(html)")
        #expect(!lower.contains("<img"))
        #expect(!lower.contains("<iframe"))
        #expect(!lower.contains("<style"))
        #expect(!lower.contains("<form"))
        #expect(!lower.contains("<input"))
        #expect(!lower.contains("href=\"//"))
        #expect(!lower.contains("href=\"data:"))
        #expect(!lower.contains("</main>"))
    }

    @Test("text keeps its entities and escapes stray markup")
    func text() {
        #expect(HTMLSanitizer.sanitize("a &amp; b &copy; c & d < e") == "a &amp; b &copy; c &amp; d &lt; e")
        #expect(HTMLSanitizer.sanitize("<p>unclosed <em>emphasis") == "<p>unclosed <em>emphasis</em></p>")
        #expect(HTMLSanitizer.sanitize("</strong>stray close") == "stray close")
    }
}
