import Foundation

/// What every fuzz target shares: reading its input, and failing loudly when an invariant
/// does not hold, so that libFuzzer records the input as a crash and the replay test stops.
/// One file in two modules: the test target, and FuzzTesting's `FuzzSupport`, where
/// `FuzzTesting/Sources/FuzzSupport/Fuzz.swift` is a symbolic link to this file.
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

    /// Stops the process with `message`. Under the replay test, the input is kept first, in
    /// the file the test named, for the target's libFuzzer executable to run again.
    public static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        var message = "invariant broken: \(message)"
        if let replayed {
            let path = URL(fileURLWithPath: replayed.file)
            try? FileManager.default.createDirectory(
                at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.createFile(atPath: path.path, contents: Data(replayed.input)) {
                message += " (the input, \(replayed.description), is in \(path.path))"
            } else {
                message += " (the input, \(replayed.description), could not be written to \(path.path))"
            }
        }
        fatalError(message, file: file, line: line)
    }

    /// The input the replay test is running, and where to keep it if it breaks an invariant.
    /// libFuzzer keeps its inputs itself: there, this is `nil`.
    @TaskLocal public static var replayed: Replayed?

    public struct Replayed: Sendable {
        public var input: [UInt8]
        /// Where the input comes from, e.g. a corpus file or a mutation's number.
        public var description: String
        public var file: String

        public init(input: [UInt8], description: String, file: String) {
            self.input = input
            self.description = description
            self.file = file
        }
    }

    /// Adds `-max_len=` with the target's `maxLength` to libFuzzer's flags unless they set it:
    /// called from a target's `LLVMFuzzerInitialize`, which libFuzzer calls before it reads its
    /// flags. libFuzzer keeps the arguments for the whole run, so the new ones are never freed.
    public static func initialize(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        for target: any FuzzCheck.Type
    ) -> CInt {
        let count = Int(argc.pointee)
        let arguments = UnsafeBufferPointer(start: argv.pointee, count: count)
        let hasMaxLength = arguments.contains { argument in
            argument.map { String(cString: $0).hasPrefix("-max_len=") } ?? false
        }
        guard !hasMaxLength else { return 0 }
        let text = "-max_len=\(target.maxLength)".utf8CString
        let flag = UnsafeMutableBufferPointer<CChar>.allocate(capacity: text.count)
        _ = flag.initialize(from: text)
        let extended = UnsafeMutableBufferPointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: count + 2)
        _ = extended.initialize(from: arguments)
        extended[count] = flag.baseAddress
        extended[count + 1] = nil
        guard let start = extended.baseAddress else { return 0 }
        argv.pointee = start
        argc.pointee += 1
        return 0
    }
}

/// A fuzz target's check, shared by its libFuzzer executable (`FuzzTesting/Sources/FuzzNAME`,
/// where `NAMEFuzzing.swift` is a symbolic link to `Tests/UndersignedTests/Fuzzing/`) and the
/// replay test (`FuzzReplayTests`).
public protocol FuzzCheck: SendableMetatype {
    /// The longest input the target is given: room for its format, small enough to stay fast.
    static var maxLength: Int { get }

    /// Checks the invariants on one input; one that does not hold stops the process
    /// (`Fuzz.fail`).
    static func run(_ start: UnsafeRawPointer, _ count: Int)
}
