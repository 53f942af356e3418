import Foundation

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// `application/x-www-form-urlencoded` bodies. A body either is refused with a clean error,
/// or every field in it reads back as Foundation's percent-decoding reads it, the first
/// occurrence of a name winning.
enum FormBodyFuzzing: FuzzCheck {
    static let maxLength = 4096

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        let body: FormBody
        do {
            body = try FormBody(text)
        } catch {
            Fuzz.expect(error is AppError, "unexpected error \(error)")
            return
        }
        var seen: Set<String> = []
        // Split on scalars, not characters: "=" followed by a combining mark is still a separator.
        for pair in text.unicodeScalars.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decoded(parts[0]),
                let value = decoded(parts.count > 1 ? parts[1] : pair[pair.endIndex...])
            else {
                Fuzz.fail(
                    "accepted a field Foundation cannot decode: \(String(String.UnicodeScalarView(pair)).debugDescription)"
                )
            }
            guard seen.insert(name).inserted else { continue }
            Fuzz.expect(
                body[name] == value,
                "field \(name.debugDescription) reads \(body[name].debugDescription), not \(value.debugDescription)")
        }
    }

    /// "+" is a space wherever it stands, before a combining mark too, where String's own
    /// replacement (which works on characters) would leave it.
    private static func decoded(_ component: Substring.UnicodeScalarView) -> String? {
        String(String.UnicodeScalarView(component.map { $0 == "+" ? " " : $0 })).removingPercentEncoding
    }
}
