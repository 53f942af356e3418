/// The "relaxed" canonicalization of RFC 6376 (section 3.4.2 and 3.4.4): what the signer
/// hashes, so that whitespace changes made by relays do not break the signature.
enum DKIMCanonicalization {
    /// `name:value` with the name lower-cased, folding undone, runs of whitespace made one
    /// space, and no whitespace at either end of the value.
    static func header(name: String, value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        return name.lowercased().trimmingWhitespace() + ":" + collapseWhitespace(unfolded).trimmingWhitespace()
    }

    /// Every line with its runs of whitespace made one space and none at its end, and no
    /// empty lines at the end of the body; a non-empty body ends with one CRLF.
    static func body(_ body: String) -> String {
        var lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map { collapseWhitespace(String($0)).trimmingTrailingWhitespace() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func collapseWhitespace(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var inWhitespace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" {
                if !inWhitespace { result.unicodeScalars.append(" ") }
                inWhitespace = true
            } else {
                result.unicodeScalars.append(scalar)
                inWhitespace = false
            }
        }
        return result
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(String.UnicodeScalarView(unicodeScalars.drop { $0 == " " || $0 == "\t" })).trimmingTrailingWhitespace()
    }

    fileprivate func trimmingTrailingWhitespace() -> String {
        var scalars = Array(unicodeScalars)
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
