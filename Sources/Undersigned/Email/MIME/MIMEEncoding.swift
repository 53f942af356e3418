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
        let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ "))
        if clean.unicodeScalars.allSatisfy({ $0.isASCII && atext.contains($0) }) { return clean }
        return "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 45 bytes make 60 characters of base64: 72 with the word's delimiters.
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Header values never carry line breaks: they would start new headers.
    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }

    /// Quoted-printable (RFC 2045) with CRLF line breaks: lines stay short and 7-bit whatever
    /// the script, and trailing spaces survive.
    static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { quotedPrintableLine(Array($0.utf8)) }.joined(separator: "\r\n")
    }

    private static func quotedPrintableLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var width = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
            let piece = literal ? String(UnicodeScalar(byte)) : "=" + hex(byte)
            // A soft break keeps every line within 76 characters, the "=" included.
            if width + piece.count > (isLast ? 76 : 75) {
                output += "=\r\n"
                width = 0
            }
            output += piece
            width += piece.count
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// `Wed, 25 Nov 2026 08:06:09 +0000`, always in UTC.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[parts.weekday! - 1]), \(two(parts.day)) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
