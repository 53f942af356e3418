@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Petition texts: Markdown through Ink and the HTML sanitiser, and raw HTML through the
/// sanitiser alone. What comes out holds only allowed elements, properly nested, with no
/// attribute but a safe link's `href`, and sanitising it again changes nothing.
enum MarkdownFuzzing: FuzzCheck {
    static let maxLength = 4096

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        for html in [HTMLSanitizer.sanitize(text), MarkdownRenderer.html(from: text)] {
            SanitizedHTML.check(html)
            let again = HTMLSanitizer.sanitize(html)
            Fuzz.expect(
                again == html, "sanitising twice changes \(html.debugDescription) into \(again.debugDescription)")
        }
    }
}

/// A strict reader of what the sanitiser may write, and nothing more.
private enum SanitizedHTML {
    static let linkTail = Array("\" rel=\"nofollow noopener noreferrer\">".utf8)

    static func check(_ html: String) {
        let bytes = Array(html.utf8)
        var open: [String] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            Fuzz.expect(
                byte != UInt8(ascii: ">") && byte != UInt8(ascii: "\""),
                "unescaped \(Character(Unicode.Scalar(byte))) in \(html.debugDescription)")
            guard byte == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            index += 1
            let isClosing = index < bytes.count && bytes[index] == UInt8(ascii: "/")
            if isClosing { index += 1 }
            let nameStart = index
            while index < bytes.count, (0x61...0x7A).contains(bytes[index]) || (0x30...0x39).contains(bytes[index]) {
                index += 1
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
            Fuzz.expect(
                HTMLSanitizer.allowedElements.contains(name),
                "element \(name.debugDescription) in \(html.debugDescription)")
            if isClosing {
                Fuzz.expect(
                    open.last == name, "</\(name)> closes \(open.last ?? "nothing") in \(html.debugDescription)")
                open.removeLast()
            } else if name == "a", bytes[index...].starts(with: Array(" href=\"".utf8)) {
                index += 7
                let valueStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    Fuzz.expect(
                        ![UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "'")].contains(bytes[index]),
                        "href in \(html.debugDescription)")
                    index += 1
                }
                let href = HTMLSanitizer.decodeEntities(String(decoding: bytes[valueStart..<index], as: UTF8.self))
                Fuzz.expect(
                    HTMLSanitizer.safeLink(href) == href,
                    "unsafe link \(href.debugDescription) in \(html.debugDescription)")
                Fuzz.expect(bytes[index...].starts(with: linkTail), "link without rel in \(html.debugDescription)")
                index += linkTail.count - 1
                open.append(name)
            } else if !HTMLSanitizer.voidElements.contains(name) {
                open.append(name)
            }
            Fuzz.expect(
                index < bytes.count && bytes[index] == UInt8(ascii: ">"),
                "tag <\(name) does not end in \(html.debugDescription)")
            index += 1
        }
        Fuzz.expect(open.isEmpty, "\(open) left open in \(html.debugDescription)")
    }
}
