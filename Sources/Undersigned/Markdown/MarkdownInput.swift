/// Makes a text safe for Ink to parse in time proportional to its length.
///
/// Ink backtracks: on an opener it cannot close, it rewinds and goes on from the next
/// character, having searched ahead for the close, and a `[` searches inside the text of the
/// `[` before it. Measured on Ink 0.6: 16 unclosed `[` take 5 seconds and each one more about
/// doubles it (12 `![` took 46 seconds), and a few thousand `<`, `&` or `[a](` without their
/// `>`, `;` or `)` take seconds, each searching to the end of the text. So before Ink sees a
/// text, an opener is written as a character reference, which Ink keeps as text and browsers
/// show as the character itself, unless it starts something that closes nearby:
///
/// - `[` stays when it starts `[text](url)`, `[text][name]` or, at the start of a line,
///   `[name]: url`, the text holding no other bracket or line break and the url no space,
///   bracket or parenthesis, so that Ink's search stops where this one did;
/// - `<` stays when it starts a tag closed on its line, for at most ``tagLimit`` of them:
///   each may make Ink search the rest of the text for its closing tag;
/// - `&` stays when it starts a character reference (`&amp;`, `&#91;`, `&#x5B;`).
///
/// Code spans and fenced code blocks are copied as they are, since Ink reads them in one
/// pass and shows their characters literally. Texts are cut at ``characterLimit``, the
/// longest any form accepts, which also bounds what remains slower than linear in Ink (a
/// long run of `_`, say, costs a few hundred milliseconds at that length).
enum MarkdownInput {
    static let characterLimit = 20_000
    static let tagLimit = 256

    static func prepared(_ markdown: String) -> String {
        let text = Array(markdown.prefix(characterLimit).utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.count + text.count / 8)
        var index = 0
        var lineStart = 0
        var inFence = false
        var tags = 0
        // The second bracket of a `[text][name]` kept whole.
        var referenceBracket: Int?
        while index < text.count {
            if index == lineStart {
                let end = lineEnd(text, from: index)
                let opensOrClosesFence = startsFence(text, at: index)
                if inFence || opensOrClosesFence {
                    if opensOrClosesFence { inFence.toggle() }
                    output += text[index..<end]
                    index = end
                    lineStart = end
                    continue
                }
            }
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "\n"):
                output.append(byte)
                lineStart = index + 1
            case UInt8(ascii: "`"):
                // A code span, copied whole; an unclosed backtick is text to Ink too.
                let end = lineEnd(text, from: index + 1)
                if let close = text[(index + 1)..<end].firstIndex(of: byte) {
                    output += text[index...close]
                    index = close + 1
                    continue
                }
                output.append(byte)
            case UInt8(ascii: "["):
                if index == referenceBracket {
                    output.append(byte)
                } else if let link = link(in: text, at: index, lineStart: lineStart) {
                    if case .reference(let secondBracket) = link { referenceBracket = secondBracket }
                    output.append(byte)
                } else {
                    output += Array("&#91;".utf8)
                }
            case UInt8(ascii: "<"):
                if tags < tagLimit, opensTag(text, at: index) {
                    tags += 1
                    output.append(byte)
                } else {
                    output += Array("&lt;".utf8)
                }
            case UInt8(ascii: "&"):
                if startsReference(text, at: index) { output.append(byte) } else { output += Array("&amp;".utf8) }
            default:
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Helpers

    /// The index just past the line's line feed, or the end.
    private static func lineEnd(_ text: [UInt8], from index: Int) -> Int {
        guard let feed = text[index...].firstIndex(of: UInt8(ascii: "\n")) else { return text.count }
        return feed + 1
    }

    private static func startsFence(_ text: [UInt8], at index: Int) -> Bool {
        var start = index
        while start < text.count, start - index < 3, text[start] == UInt8(ascii: " ") { start += 1 }
        return text[start...].starts(with: Array("```".utf8))
    }

    /// Scans from `index` while bytes are not in `stops`; returns where it stopped.
    private static func scan(_ text: [UInt8], from index: Int, until stops: Set<UInt8>) -> Int {
        var end = index
        while end < text.count, !stops.contains(text[end]) { end += 1 }
        return end
    }

    private static let linkTextStops: Set<UInt8> = Set("[]\n".utf8)
    private static let linkURLStops: Set<UInt8> = Set("()[]<> \t\n".utf8)

    private enum Link {
        /// `[text](url)`
        case inline
        /// `[text][name]`, whose second bracket is at `secondBracket`.
        case reference(secondBracket: Int)
        /// `[name]: url`, at the start of a line.
        case declaration
    }

    /// The link that starts at `index`, if one does.
    private static func link(in text: [UInt8], at index: Int, lineStart: Int) -> Link? {
        let close = scan(text, from: index + 1, until: linkTextStops)
        guard close < text.count, text[close] == UInt8(ascii: "]"), close + 1 < text.count else { return nil }
        switch text[close + 1] {
        case UInt8(ascii: "("):
            let end = scan(text, from: close + 2, until: linkURLStops)
            return end < text.count && text[end] == UInt8(ascii: ")") ? .inline : nil
        case UInt8(ascii: "["):
            let end = scan(text, from: close + 2, until: linkTextStops)
            return end < text.count && text[end] == UInt8(ascii: "]") ? .reference(secondBracket: close + 1) : nil
        case UInt8(ascii: ":"):
            let indented = index - lineStart <= 3 && text[lineStart..<index].allSatisfy { $0 == UInt8(ascii: " ") }
            return indented ? .declaration : nil
        default:
            return nil
        }
    }

    /// `<` then a letter, `/` or `!`, and a `>` before any other `<` or the line's end.
    private static func opensTag(_ text: [UInt8], at index: Int) -> Bool {
        guard index + 1 < text.count else { return false }
        let next = text[index + 1]
        guard
            (next | 0x20 >= UInt8(ascii: "a") && next | 0x20 <= UInt8(ascii: "z")) || next == UInt8(ascii: "/")
                || next == UInt8(ascii: "!")
        else { return false }
        let end = scan(text, from: index + 1, until: Set("<>\n".utf8))
        return end < text.count && text[end] == UInt8(ascii: ">")
    }

    /// `&name;`, `&#123;` or `&#x7B;`, at most 32 characters between `&` and `;`.
    private static func startsReference(_ text: [UInt8], at index: Int) -> Bool {
        var body = text[(index + 1)...].prefix(33)
        guard let semicolon = body.firstIndex(of: UInt8(ascii: ";")) else { return false }
        body = body[..<semicolon]
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z") }
        if body.first == UInt8(ascii: "#") {
            let number = body.dropFirst()
            if number.first.map({ $0 | 0x20 == UInt8(ascii: "x") }) == true {
                let hex = number.dropFirst()
                return !hex.isEmpty
                    && hex.allSatisfy {
                        isDigit($0) || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "f"))
                    }
            }
            return !number.isEmpty && number.allSatisfy(isDigit)
        }
        return !body.isEmpty && body.allSatisfy { isDigit($0) || isLetter($0) }
    }
}
