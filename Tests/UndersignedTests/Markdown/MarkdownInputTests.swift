import Testing

@testable import Undersigned

/// Texts that made Ink backtrack for seconds (16 unclosed `[`) or minutes (12 `![`) render at
/// once, and ordinary Markdown renders as before.
@Suite("Markdown in time proportional to its length")
struct MarkdownInputTests {
    static let pathologicalUnits = [
        "[", "![", "<", "&", "`", "*", "_", "~", ">", "> ", "- ", "[a](", "[](", "<a ", "[a][", "&#", "((", "|", "\n>",
        "[[a]](b)",
    ]

    @Test(
        "pathological texts of 50,000 openers render, every opener that cannot close left as text",
        .timeLimit(.minutes(1)), arguments: pathologicalUnits)
    func pathological(unit: String) {
        let input = String(repeating: unit, count: 50_000)
        let html = MarkdownRenderer.html(from: input)
        #expect(!html.isEmpty)
        // What Ink is given: cut at the limit, and with no opener it would search ahead from.
        let prepared = MarkdownInput.prepared(input)
        #expect(Self.openers(in: prepared) <= MarkdownInput.tagLimit, "\(unit.debugDescription)")
    }

    @Test(
        "what Ink is given grows in proportion to the text: four times the text, four times the work",
        arguments: pathologicalUnits)
    func proportional(unit: String) {
        let small = MarkdownInput.prepared(String(repeating: unit, count: 1_000))
        let large = MarkdownInput.prepared(String(repeating: unit, count: 4_000))
        #expect(large.utf8.count <= 4 * small.utf8.count + 8, "\(unit.debugDescription)")
        #expect(Self.openers(in: large) <= max(Self.openers(in: small), MarkdownInput.tagLimit))
    }

    @Test("a text is cut at the longest any form accepts")
    func cut() {
        let html = MarkdownRenderer.html(
            from: String(repeating: "a", count: MarkdownInput.characterLimit) + " **beyond**")
        #expect(!html.contains("beyond"))
        #expect(MarkdownInput.prepared(String(repeating: "é", count: 30_000)).count == MarkdownInput.characterLimit)
    }

    @Test("links, code, tags and character references render as before")
    func ordinary() {
        let markdown = """
            See [the report](https://example.org/report?a=1&b=2) and [the annex][annex], [not a link] or \\[this].

            [annex]: https://example.org/annex

            Write `a < b && c[0]` or AT&T &amp; friends, x<sup>2</sup>, 3 < 4 and [unclosed.

            ```
            <b>as typed</b> & [kept]
            ```
            """
        let html = MarkdownRenderer.html(from: markdown)
        #expect(
            html.contains(
                #"<a href="https://example.org/report?a=1&amp;b=2" rel="nofollow noopener noreferrer">the report</a>"#),
            "\(html)")
        #expect(
            html.contains(#"<a href="https://example.org/annex" rel="nofollow noopener noreferrer">the annex</a>"#),
            "\(html)")
        #expect(html.contains("&#91;not a link]"), "\(html)")
        #expect(html.contains("<code>a &lt; b &amp;&amp; c[0]</code>"), "\(html)")
        #expect(html.contains("AT&amp;T &amp; friends"), "\(html)")
        #expect(html.contains("x<sup>2</sup>"), "\(html)")
        #expect(html.contains("3 &lt; 4 and &#91;unclosed."), "\(html)")
        #expect(html.contains("&lt;b&gt;as typed&lt;/b&gt; &amp; [kept]"), "\(html)")
    }

    /// The characters that make Ink search ahead, as they reach it unescaped.
    static func openers(in text: String) -> Int {
        text.utf8.count { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "<") }
    }
}
