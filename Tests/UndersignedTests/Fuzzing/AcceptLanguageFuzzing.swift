@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// `Accept-Language` headers: at most 20 tags come back, lower-cased, none empty, none a
/// wildcard, none with a zero weight, and each one taken from the header.
enum AcceptLanguageFuzzing: FuzzCheck {
    static let maxLength = 512

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let header = Fuzz.text(start, count) else { return }
        let tags = PetitionLanguage.preferred(header)
        Fuzz.expect(tags.count <= 20, "\(tags.count) tags")
        let lowered = header.lowercased()
        for tag in tags {
            Fuzz.expect(!tag.isEmpty && tag != "*", "tag \(tag.debugDescription)")
            Fuzz.expect(tag == tag.lowercased(), "tag \(tag.debugDescription) is not lower-cased")
            Fuzz.expect(Fuzz.contains(lowered, tag), "tag \(tag.debugDescription) is not in the header")
        }
        Fuzz.expect(PetitionLanguage.preferred(header) == tags, "two readings of one header differ")
    }
}
