/// Per-country figures as they may be published. A country with fewer signers than the
/// threshold is shown as "fewer than N", never as its number: a handful of signers from one
/// place can be a handful of identifiable people.
///
/// When exactly one country is below the threshold, its number could be worked out from the
/// total; the next smallest country is then withheld as well (complementary suppression).
public enum SmallCounts {
    public static let defaultThreshold = 10

    public struct Tally: Sendable, Equatable {
        public var country: String
        /// `nil` when withheld.
        public var signatures: Int?
        public var withheld: Withheld?
    }

    public enum Withheld: String, Sendable, Equatable {
        /// Fewer signers than the threshold.
        case belowThreshold = "below-threshold"
        /// At or above the threshold, withheld so that a smaller figure cannot be derived.
        case complementary
    }

    /// Largest first; withheld countries last, by code.
    public static func publishable(_ counts: [String: Int], threshold: Int = defaultThreshold) -> [Tally] {
        let nonZero = counts.filter { $0.value > 0 }
        let small = nonZero.filter { $0.value < threshold }.map(\.key)
        var visible = nonZero.filter { $0.value >= threshold }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        var complementary: [String] = []
        if small.count == 1, let smallest = visible.popLast() {
            complementary.append(smallest.key)
        }
        return visible.map { Tally(country: $0.key, signatures: $0.value, withheld: nil) }
            + complementary.map { Tally(country: $0, signatures: nil, withheld: .complementary) }
            + small.sorted().map { Tally(country: $0, signatures: nil, withheld: .belowThreshold) }
    }
}
