/// Per-country figures as they may be published. A country with fewer signers than the
/// threshold is never named: a handful of signers from one place can be a handful of
/// identifiable people, and a country that appears in the list the moment the total goes up
/// by one tells where that one signer is from. Such countries are counted only together, as
/// "other countries", and even that sum is given only once it reaches the threshold.
public enum SmallCounts {
    /// A country with at least the threshold of signers.
    public struct Tally: Sendable, Equatable {
        public var country: String
        public var signatures: Int
    }

    public struct Figures: Sendable, Equatable {
        /// Largest first, ties by country code.
        public var countries: [Tally]
        /// The signers of every country below the threshold together; `nil` when there are none.
        public var others: OtherCountries?

        /// The figures as lines of a table, in the words of `words`: each country, then the
        /// other countries together.
        public func lines(threshold: Int, in words: Translation = Translations.english) -> [Line] {
            let language = words.language
            let limit = language.number(threshold)
            var lines = countries.map { tally in
                Line(
                    country: tally.country, name: CountryNames.name(of: tally.country, in: language),
                    figure: language.number(tally.signatures))
            }
            let others: String? =
                switch self.others {
                case nil: nil
                case .withheld: words.text(.countriesFewerThan, ["threshold": limit])
                case .total(let total): words.text(.countriesInAll, ["total": language.number(total)])
                }
            if let others {
                lines.append(
                    Line(country: nil, name: words.text(.countriesOthers, ["threshold": limit]), figure: others))
            }
            return lines
        }
    }

    public enum OtherCountries: Sendable, Equatable {
        /// Fewer signers than the threshold in all: not given either.
        case withheld
        case total(Int)
    }

    public struct Line: Sendable, Equatable {
        /// `nil` for the other countries together.
        public var country: String?
        public var name: String
        public var figure: String
    }

    public static func publishable(_ counts: [String: Int], threshold: Int = Settings().smallCountThreshold) -> Figures
    {
        let nonZero = counts.filter { $0.value > 0 }
        let visible = nonZero.filter { $0.value >= threshold }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        let small = nonZero.filter { $0.value < threshold }.reduce(0) { $0 + $1.value }
        return Figures(
            countries: visible.map { Tally(country: $0.key, signatures: $0.value) },
            others: small == 0 ? nil : small >= threshold ? .total(small) : .withheld)
    }
}
