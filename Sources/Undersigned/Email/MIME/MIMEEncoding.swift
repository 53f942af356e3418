import Foundation

/// The encodings a message needs to travel as 7-bit lines of at most 78 characters:
/// RFC 2047 words for headers, quoted-printable for bodies, and the RFC 5322 date.
enum MIMEEncoding {
    /// Unstructured header text (a subject): as is when it is ASCII, else RFC 2047 words of
    /// at most 75 characters, split between characters, folded onto continuation lines.
    static func text(_ value: String) -> String {
        let clean = headerSafe(value)
        if clean.unicodeScalars.allSatisfy({ $0.isASCII }) { return clean }
        return encodedWords(clean)
    }

    /// A display name: as is when it is plain words, quoted when it has ASCII punctuation,
    /// RFC 2047-encoded when it is not ASCII (a name in Arabic, say).
    static func phrase(_ value: String) -> String {
        let clean = headerSafe(value)
        guard clean.unicodeScalars.allSatisfy({ $0.isASCII }) else { return encodedWords(clean) }
        if clean.utf8.allSatisfy(isAtext) { return clean }
        var quoted = "\""
        for scalar in clean.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }

    /// RFC 5322's atext, and the space between words: what a phrase may hold unquoted.
    private static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-/=?^_`{|}~ ".utf8.contains(byte)
        }
    }

    private static func encodedWords(_ text: String) -> String {
        // Most names fit in one word: then there is nowhere to cut, and no character to find.
        if (1...45).contains(text.utf8.count) { return encodedWord(text.utf8[...]) }
        var words: [String] = []
        var chunkStart = text.startIndex
        var chunkBytes = 0
        var index = text.startIndex
        // Chunks end between characters, so that no letter's accents land in the next word.
        while index < text.endIndex {
            let next = text.index(after: index)
            let size = text.utf8.distance(from: index, to: next)
            // 45 bytes make 60 characters of base64: 72 with the word's delimiters.
            if chunkBytes + size > 45, chunkBytes > 0 {
                words.append(encodedWord(text.utf8[chunkStart..<index]))
                chunkStart = index
                chunkBytes = 0
            }
            chunkBytes += size
            index = next
        }
        if chunkBytes > 0 { words.append(encodedWord(text.utf8[chunkStart...])) }
        return words.joined(separator: "\r\n ")
    }

    private static func encodedWord(_ bytes: Substring.UTF8View) -> String {
        "=?utf-8?B?\(Data(bytes).base64EncodedString())?="
    }

    /// Header values never carry line breaks: they would start new headers.
    static func headerSafe(_ text: String) -> String {
        // Almost every value has none: it is then returned as is, without copying.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) else {
            return text
        }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }

    /// Quoted-printable (RFC 2045) with CRLF line breaks: lines stay short and 7-bit whatever
    /// the script, and trailing spaces survive. Works on bytes: every email sent passes here.
    static func quotedPrintable(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + bytes.count / 8)
            var lineStart = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                // A line break is LF or CRLF in the text; CRLF on the wire.
                let lineEnd = index > lineStart && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                if lineStart > 0 { appendLineBreak(to: &output) }
                appendQuotedPrintableLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), to: &output)
                lineStart = index + 1
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    private static func appendQuotedPrintableLine(_ line: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var width = 0
        for index in line.indices {
            let byte = line[index]
            let isLast = index == line.count - 1
            let literal =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
            let pieceWidth = literal ? 1 : 3
            // A soft break keeps every line within 76 characters, the "=" included.
            if width + pieceWidth > (isLast ? 76 : 75) {
                output.append(UInt8(ascii: "="))
                appendLineBreak(to: &output)
                width = 0
            }
            if literal {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "="))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
            width += pieceWidth
        }
    }

    private static func appendLineBreak(to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\r"))
        output.append(UInt8(ascii: "\n"))
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// `Wed, 25 Nov 2026 08:06:09 +0000`, always in UTC. Every email has one, and reading it
    /// through `Calendar` cost more than the rest of its headers.
    static func date(_ date: Date) -> String {
        UTCFields(date).text(zone: "+0000")
    }
}
