import Foundation
import Testing

/// Every libFuzzer target's check (`NAMEFuzzing`, in this folder, which FuzzTesting's
/// executables share through symbolic links), run on the target's seed corpus
/// (`FuzzTesting/Corpus/NAME/`), on the empty input, and on a fixed number of inputs mutated
/// from the corpus as libFuzzer mutates, from a fixed seed: the same inputs on every machine,
/// in a debug build, with no second build of the dependencies. A broken invariant stops the
/// test process (`Fuzz.fail`) with its message, after writing the input to
/// `FuzzTesting/.build/crashes/NAME/replayed`. Finding new bugs is `scripts/fuzz SECONDS`'s
/// work: coverage-guided, for as long as it is given.
@Suite("Fuzz targets replayed")
struct FuzzReplayTests {
    /// A target, how many mutated inputs it is given here (a few seconds' worth in a debug
    /// build: about a minute for them all on 2 cores), and the words its format is made of,
    /// which mutations insert.
    struct Target: Sendable, CustomTestStringConvertible {
        let name: String
        let maxLength: Int
        let inputs: Int
        let dictionary: [[UInt8]]
        let run: @Sendable (UnsafeRawPointer, Int) -> Void

        init<Check: FuzzCheck>(_ check: Check.Type, inputs: Int, dictionary: [[UInt8]] = []) {
            name = String(String(describing: check).dropLast("Fuzzing".count))
            maxLength = Check.maxLength
            self.inputs = inputs
            self.dictionary = dictionary
            run = { Check.run($0, $1) }
        }

        var testDescription: String { name }
    }

    static let targets = [
        Target(
            AcceptLanguageFuzzing.self, inputs: 30000,
            dictionary: words(";q=", ";q=0", ";q=1", ";q=0.5", ",", "-", "*", "en", "fr-CA", "zh-Hant-TW", " ")),
        Target(
            EmailAddressFuzzing.self, inputs: 120000,
            dictionary: words("@", ".", "..", "+", "\"", "\n", " ", "gmail.com", "googlemail.com", "xn--", "FR")),
        Target(
            EncryptedPackageFuzzing.self, inputs: 4000,
            dictionary: words("UNDERSIGNED-PACKAGE-1\n") + [[0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF]]),
        Target(
            FormBodyFuzzing.self, inputs: 120000,
            dictionary: words("%", "%2", "%25", "%C3%A9", "%FF", "%00", "+", "=", "&", "\u{301}", "é")),
        Target(
            ForwardedForFuzzing.self, inputs: 80000,
            dictionary: words(",", ", ", "[", "]", ":", "::", "::ffff:", "%", ".", "127.0.0.1", "fe80::1%eth0")),
        Target(
            MailAddressFuzzing.self, inputs: 120000,
            dictionary: words("<", ">", "@", "\"", "\\", "\r\n", "\r\n ", " ", ",", ";", "=?utf-8?q?")),
        Target(
            MarkdownFuzzing.self, inputs: 20000,
            dictionary: words(
                "<", ">", "</", "<a href=\"", "\">", "javascript:", "&#", "&amp;", "&quot;", "[", "](", ")", "**",
                "`", "<!--", "-->", "<script>", "<p>", "</p>", "<img src=", "# ", "> ", "- ", "|", "\n\n", "\n")),
        Target(
            MultipartFuzzing.self, inputs: 40000,
            dictionary: words(
                "\r\n", "\r\n\r\n", "--", "multipart/form-data; boundary=", "Content-Disposition: form-data; name=\"",
                "\"; filename=\"", "\"", "Content-Type: ", ";")),
        Target(
            OrganizationKeyFuzzing.self, inputs: 80000,
            dictionary: words(
                "undersigned-x25519:", "undersigned-x25519-private:", "\n", "\r\n", "# ", "=", "A", "/", "+", "-", "_")),
        Target(
            PaperSheetFuzzing.self, inputs: 40000,
            dictionary: words(",", "\"", "\"\"", "\r\n", "\n", "name", "email", "country", "FR", "\u{FEFF}", ";", "@")),
        Target(
            PetitionImageFuzzing.self, inputs: 200000,
            dictionary: words("IHDR", "GIF87a", "GIF89a", "RIFF", "WEBP", "VP8 ", "VP8L", "VP8X")
                + [
                    [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], [0xFF, 0xC0], [0xFF, 0xD9],
                ]),
        Target(
            ReturnPathFuzzing.self, inputs: 200000,
            dictionary: words("/", "//", "\\", "%2F", "%5C", "%09", "\t", "?", "#", "@", ":", "https:", "..")),
        Target(
            SMTPReplyFuzzing.self, inputs: 4000,
            dictionary: words("250", "250-", "250 ", "220 ", "554 ", "\r\n", "\n", "-", " ", "199 ", "600 ")),
        Target(
            ServerURLsFuzzing.self, inputs: 200000,
            dictionary: words(
                "smtp://", "smtps://", "postgres://", "postgresql://", "sqlite://", "@", ":", "[", "]", "%", "/", "?",
                ":65535", ":0")),
        Target(
            TokensFuzzing.self, inputs: 40000,
            dictionary: words(":", "=", "-", "_", "+", "/", "AAAAAAAAAAAAAAAAAAAAAA", "ARRrSdIA")),
    ]

    @Test("the invariants hold on the seed corpus and on inputs mutated from it", arguments: targets)
    func replay(target: Target) throws {
        let folder = Self.root.appendingPathComponent("FuzzTesting/Corpus/\(target.name)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let corpus = try files.map { Array(try Data(contentsOf: folder.appendingPathComponent($0))) }
        #expect(!corpus.isEmpty, "no seed corpus in \(folder.path)")
        let kept = Self.root.appendingPathComponent("FuzzTesting/.build/crashes/\(target.name)/replayed").path
        Self.run(target, Fuzz.Replayed(input: [], description: "the empty input", file: kept))
        for (file, input) in zip(files, corpus) {
            Self.run(target, Fuzz.Replayed(input: input, description: "Corpus/\(target.name)/\(file)", file: kept))
        }
        var mutator = Mutator(corpus: corpus, dictionary: target.dictionary, maxLength: target.maxLength)
        for index in 1...target.inputs {
            let description = "mutated input \(index) of \(target.inputs)"
            Self.run(target, Fuzz.Replayed(input: mutator.next(), description: description, file: kept))
        }
    }

    /// Runs the target's check on one input, as libFuzzer would: its bytes at an address.
    private static func run(_ target: Target, _ replayed: Fuzz.Replayed) {
        // One byte more, never read, so that even the empty input has an address.
        (replayed.input + [0]).withUnsafeBytes { buffer in
            guard let start = buffer.baseAddress else {
                Issue.record("no address for \(replayed.description)")
                return
            }
            Fuzz.$replayed.withValue(replayed) { target.run(start, replayed.input.count) }
        }
    }

    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private static func words(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }
}

/// Inputs made from a seed corpus as libFuzzer's basic mutations make them: a bit flipped, a
/// byte set to an interesting value or a random one, or nudged; bytes inserted, deleted or
/// duplicated; two inputs spliced; a word of the format inserted or written over. One to
/// four mutations each, on a seed or on one of the last inputs made, so that changes pile
/// up; never longer than the target's maximum.
struct Mutator {
    private var random = SplitMix64(seed: 1)
    private let corpus: [[UInt8]]
    private let dictionary: [[UInt8]]
    private let maxLength: Int
    /// The last inputs made, which later ones build on.
    private var pool: [[UInt8]] = []
    private var poolNext = 0
    private static let poolSize = 64
    private static let interesting: [UInt8] = [
        0, 0xFF, 0x7F, 0x80, UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "\n"),
        UInt8(ascii: "\""), UInt8(ascii: "<"),
    ]

    init(corpus: [[UInt8]], dictionary: [[UInt8]], maxLength: Int) {
        self.corpus = corpus.isEmpty ? [[]] : corpus
        self.dictionary = dictionary
        self.maxLength = maxLength
    }

    mutating func next() -> [UInt8] {
        var input = pool.isEmpty || random.below(2) == 0 ? pick(corpus) : pick(pool)
        for _ in 0...random.below(4) { mutate(&input) }
        if input.count > maxLength { input.removeLast(input.count - maxLength) }
        if pool.count < Self.poolSize {
            pool.append(input)
        } else {
            pool[poolNext] = input
            poolNext = (poolNext + 1) % Self.poolSize
        }
        return input
    }

    private mutating func mutate(_ input: inout [UInt8]) {
        switch random.below(11) {
        case 0 where !input.isEmpty:  // a bit flipped
            input[random.below(input.count)] ^= 1 << random.below(8)
        case 1 where !input.isEmpty:  // an interesting byte
            input[random.below(input.count)] = pick(Self.interesting)
        case 2 where !input.isEmpty:  // any byte
            input[random.below(input.count)] = UInt8(truncatingIfNeeded: random.next())
        case 3 where !input.isEmpty:  // a byte nudged, as a number
            let index = random.below(input.count)
            input[index] = input[index] &+ UInt8(random.below(17)) &- 8
        case 4 where !input.isEmpty:  // bytes deleted
            let start = random.below(input.count)
            input.removeSubrange(start..<(start + 1 + random.below(min(input.count - start, 32))))
        case 5 where !input.isEmpty:  // bytes duplicated, elsewhere
            let start = random.below(input.count)
            let range = start..<(start + 1 + random.below(min(input.count - start, 64)))
            let piece = Array(input[range])
            input.insert(contentsOf: piece, at: random.below(input.count + 1))
        case 6:  // spliced: a head of this one, a tail of another
            let other = pool.isEmpty || random.below(2) == 0 ? pick(corpus) : pick(pool)
            input = Array(input.prefix(random.below(input.count + 1)) + other.suffix(random.below(other.count + 1)))
        case 7:  // a piece of another inserted
            let other = pick(corpus)
            if !other.isEmpty {
                let start = random.below(other.count)
                let piece = other[start..<(start + 1 + random.below(min(other.count - start, 64)))]
                input.insert(contentsOf: piece, at: random.below(input.count + 1))
            }
        case 8 where !dictionary.isEmpty:  // a word inserted
            input.insert(contentsOf: pick(dictionary), at: random.below(input.count + 1))
        case 9 where !dictionary.isEmpty && !input.isEmpty:  // a word written over
            let word = pick(dictionary)
            let start = random.below(input.count)
            input.replaceSubrange(start..<min(start + word.count, input.count), with: word)
        default:  // an interesting byte, or a few, inserted
            let byte = random.below(2) == 0 ? pick(Self.interesting) : UInt8(truncatingIfNeeded: random.next())
            input.insert(
                contentsOf: repeatElement(byte, count: 1 + random.below(4)), at: random.below(input.count + 1))
        }
    }

    private mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[random.below(elements.count)]
    }
}

/// SplitMix64: small, fast, and the same numbers on every machine, unlike the system's
/// generator.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number from 0 to `bound - 1`, computed here and not by the standard library, whose
    /// way of drawing could change.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
