/// Keeps a small allow-list of HTML elements and attributes and escapes everything else.
/// Markdown lets authors write raw HTML; nothing of it may run script, load a resource from
/// anywhere, or break out of the petition's body.
public enum HTMLSanitizer {
    static let allowedElements: Set<String> = [
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "em", "strong", "b", "i",
        "code", "pre", "a", "del", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td",
    ]
    static let voidElements: Set<String> = ["br", "hr"]
    /// Elements dropped together with everything inside them.
    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "embed", "template", "svg", "math", "noscript", "textarea", "title",
        "select", "frameset", "frame", "noembed", "xmp",
    ]

    public static func sanitize(_ html: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var open: [String] = []
        var scanner = Substring(html)
        while let lessThan = scanner.firstIndex(of: "<") {
            output += escapeText(scanner[..<lessThan])
            scanner = scanner[lessThan...]
            if scanner.hasPrefix("<!--") {
                let end = scanner.range(of: "-->")?.upperBound ?? scanner.endIndex
                scanner = scanner[end...]
                continue
            }
            guard let tag = Tag.parse(&scanner) else {
                output += "&lt;"
                scanner = scanner.dropFirst()
                continue
            }
            var name = tag.name
            if name == "h1" { name = "h2" }  // the page's title is the only h1
            if droppedWithContent.contains(name) {
                if !tag.isClosing && !tag.isSelfClosing { skipContent(of: name, in: &scanner) }
                continue
            }
            guard allowedElements.contains(name) else { continue }
            if tag.isClosing {
                guard let position = open.lastIndex(of: name) else { continue }
                for element in open[position...].reversed() { output += "</\(element)>" }
                open.removeSubrange(position...)
            } else if voidElements.contains(name) {
                output += "<\(name)>"
            } else {
                output += "<\(name)\(attributes(of: tag, element: name))>"
                open.append(name)
            }
        }
        output += escapeText(scanner)
        for element in open.reversed() { output += "</\(element)>" }
        return output
    }

    private static func attributes(of tag: Tag, element: String) -> String {
        guard element == "a", let href = tag.attributes["href"], let safe = safeLink(href) else { return "" }
        return " href=\"\(escapeAttribute(safe))\" rel=\"nofollow noopener noreferrer\""
    }

    /// Links may only lead to web pages, email addresses, or places on this site.
    static func safeLink(_ raw: String) -> String? {
        let decoded = decodeEntities(raw).filter { !$0.isWhitespace && !($0.asciiValue.map { $0 < 0x20 } ?? false) }
        let lower = decoded.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") { return decoded }
        if lower.hasPrefix("#") || (lower.hasPrefix("/") && !lower.hasPrefix("//")) { return decoded }
        return nil
    }

    private static func skipContent(of name: String, in scanner: inout Substring) {
        var search = scanner
        while let lessThan = search.firstIndex(of: "<") {
            search = search[lessThan...]
            var candidate = search
            if let tag = Tag.parse(&candidate), tag.isClosing, tag.name == name {
                scanner = candidate
                return
            }
            search = search.dropFirst()
        }
        scanner = scanner[scanner.endIndex...]
    }

    /// Escapes scalar by scalar, not character by character: a `<` or `"` joined to its
    /// neighbours in one grapheme cluster (after U+0600, before a combining mark) is still
    /// markup to a browser.
    static func escapeText(_ text: Substring) -> String {
        var result = ""
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            switch scalar {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "&": result += isEntity(scalars[scalars.index(after: index)...]) ? "&" : "&amp;"
            default: result.unicodeScalars.append(scalar)
            }
            index = scalars.index(after: index)
        }
        return result
    }

    static func escapeAttribute(_ text: String) -> String {
        // Most text has nothing to escape; every email and page passes here. A native string's
        // bytes are scanned in place, much faster than through its UTF-8 view's iterator.
        let needsEscaping =
            text.utf8.withContiguousStorageIfAvailable { $0.contains(where: isEscapedInAttribute) }
            ?? text.utf8.contains(where: isEscapedInAttribute)
        guard needsEscaping else { return text }
        // The runs between the five ASCII bytes are copied whole.
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        let bytes = text.utf8
        var runStart = bytes.startIndex
        var index = runStart
        while index != bytes.endIndex {
            let entity: String? =
                switch bytes[index] {
                case UInt8(ascii: "&"): "&amp;"
                case UInt8(ascii: "<"): "&lt;"
                case UInt8(ascii: ">"): "&gt;"
                case UInt8(ascii: "\""): "&quot;"
                case UInt8(ascii: "'"): "&#39;"
                default: nil
                }
            let next = bytes.index(after: index)
            if let entity {
                result += text[runStart..<index]
                result += entity
                runStart = next
            }
            index = next
        }
        return result + text[runStart...]
    }

    private static func isEscapedInAttribute(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        default: false
        }
    }

    /// Whether what follows an `&` is the rest of `name;`, `#123;` or `#x1F;`.
    private static func isEntity(_ following: Substring.UnicodeScalarView) -> Bool {
        let rest = following.prefix(12)
        guard let semicolon = rest.firstIndex(of: ";") else { return false }
        let body = rest[..<semicolon]
        let isDigit = { (scalar: Unicode.Scalar) in ("0"..."9").contains(scalar) }
        if body.starts(with: "#x".unicodeScalars) || body.starts(with: "#X".unicodeScalars) {
            return body.count > 2 && body.dropFirst(2).allSatisfy { $0.isASCII && $0.properties.isASCIIHexDigit }
        }
        if body.first == "#" { return body.count > 1 && body.dropFirst().allSatisfy(isDigit) }
        return !body.isEmpty && body.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || isDigit($0) }
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            rest = rest[ampersand...]
            let candidate = rest.dropFirst().prefix(12)
            if let semicolon = candidate.firstIndex(of: ";") {
                let body = candidate[..<semicolon]
                var scalar: Unicode.Scalar?
                if body.hasPrefix("#x") || body.hasPrefix("#X") {
                    scalar = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if body.hasPrefix("#") {
                    scalar = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init)
                } else {
                    scalar =
                        [
                            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t",
                            "newline": "\n",
                        ][body.lowercased()]
                }
                if let scalar {
                    result.unicodeScalars.append(scalar)
                    rest = rest[candidate.index(after: semicolon)...]
                    continue
                }
            }
            result += "&"
            rest = rest.dropFirst()
        }
        return result + rest
    }
}

/// One start or end tag, as far as the sanitiser needs to understand it.
private struct Tag {
    var name: String
    var isClosing: Bool
    var isSelfClosing: Bool
    var attributes: [String: String]

    /// Parses a tag at the start of `scanner` (which begins with `<`) and moves past it.
    static func parse(_ scanner: inout Substring) -> Tag? {
        var rest = scanner.dropFirst()
        let isClosing = rest.first == "/"
        if isClosing { rest = rest.dropFirst() }
        let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard let first = name.first, first.isLetter else { return nil }
        rest = rest.dropFirst(name.count)
        var attributes: [String: String] = [:]
        var isSelfClosing = false
        while true {
            rest = rest.drop { $0.isWhitespace }
            guard let next = rest.first else { return nil }
            if next == ">" {
                rest = rest.dropFirst()
                break
            }
            if next == "/" {
                isSelfClosing = true
                rest = rest.dropFirst()
                continue
            }
            let attributeName = rest.prefix { !$0.isWhitespace && !"=>/\"'".contains($0) }
            guard !attributeName.isEmpty else { return nil }
            rest = rest.dropFirst(attributeName.count).drop { $0.isWhitespace }
            var value = ""
            if rest.first == "=" {
                rest = rest.dropFirst().drop { $0.isWhitespace }
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    rest = rest.dropFirst()
                    guard let end = rest.firstIndex(of: quote) else { return nil }
                    value = String(rest[..<end])
                    rest = rest[rest.index(after: end)...]
                } else {
                    let unquoted = rest.prefix { !$0.isWhitespace && $0 != ">" }
                    value = String(unquoted)
                    rest = rest.dropFirst(unquoted.count)
                }
            }
            attributes[attributeName.lowercased()] = value
        }
        scanner = rest
        return Tag(name: name.lowercased(), isClosing: isClosing, isSelfClosing: isSelfClosing, attributes: attributes)
    }
}
