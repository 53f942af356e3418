import Foundation

/// What is counted of a petition's confirmed signatures: in all, per country, and per day of
/// confirmation and source. The counters kept at each confirmation, withdrawal and
/// invalidation must equal the same figures counted again from the signature rows.
public struct SignatureTallies: Sendable, Equatable {
    public struct DayAndSource: Sendable, Hashable, Comparable {
        public var day: UTCDay
        public var source: String

        public static func < (a: Self, b: Self) -> Bool { (a.day.number, a.source) < (b.day.number, b.source) }
    }

    public var total: Int
    public var perCountry: [String: Int]
    public var perDay: [DayAndSource: Int]

    /// Zero counters are the same as no counter: a country whose last signer withdrew keeps
    /// its row at 0.
    public init(total: Int, perCountry: [String: Int], perDay: [DayAndSource: Int]) {
        self.total = total
        self.perCountry = perCountry.filter { $0.value != 0 }
        self.perDay = perDay.filter { $0.value != 0 }
    }

    /// How these stored counters differ from the figures `recounted` from the rows, in words.
    public func differences(from recounted: SignatureTallies) -> [String] {
        var differences: [String] = []
        if total != recounted.total {
            differences.append("the stored count \(total) does not match the confirmed signatures (\(recounted.total))")
        }
        for country in Set(perCountry.keys).union(recounted.perCountry.keys).sorted()
        where perCountry[country, default: 0] != recounted.perCountry[country, default: 0] {
            differences.append(
                "the stored count for country \(country) is \(perCountry[country, default: 0]); its confirmed signatures are \(recounted.perCountry[country, default: 0])"
            )
        }
        for key in Set(perDay.keys).union(recounted.perDay.keys).sorted()
        where perDay[key, default: 0] != recounted.perDay[key, default: 0] {
            differences.append(
                "the stored count for \(key.day.start.formatted(.iso8601.year().month().day())) (\(key.source)) is \(perDay[key, default: 0]); its confirmed signatures are \(recounted.perDay[key, default: 0])"
            )
        }
        return differences
    }
}

/// The counters, and the rows to count them again from.
public protocol SignatureTallyStore: Sendable {
    /// The counters pages, the API and dashboards read.
    func storedTallies(petitionID: UUID) async throws -> SignatureTallies
    /// The same figures counted from the confirmed signature rows: a scan of the petition's rows.
    func recountedTallies(petitionID: UUID) async throws -> SignatureTallies
    /// Petitions with any counter or confirmed signature.
    func countedPetitions() async throws -> [UUID]
}
