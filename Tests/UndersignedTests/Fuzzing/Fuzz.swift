/// What every fuzz target shares: reading libFuzzer's input, and failing loudly when an
/// invariant does not hold, so that libFuzzer records the input as a crash.
public enum Fuzz {
    /// The input as bytes.
    public static func bytes(_ start: UnsafeRawPointer, _ count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// The input as text, or `nil` when it is not UTF-8 (every text parser is handed
    /// validated UTF-8 by the web layer).
    public static func text(_ start: UnsafeRawPointer, _ count: Int) -> String? {
        String(validating: bytes(start, count), as: UTF8.self)
    }

    /// Whether `needle`'s UTF-8 occurs in `haystack`'s: unlike `String.contains`, blind to
    /// grapheme clusters, so a tag that starts with a combining mark is still found.
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        let haystack = Array(haystack.utf8)
        let needle = Array(needle.utf8)
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }

    /// Stops the process with `message` when `condition` is false.
    public static func expect(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
        line: UInt = #line
    ) {
        if !condition() { fail(message(), file: file, line: line) }
    }

    public static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        fatalError("invariant broken: \(message)", file: file, line: line)
    }
}
