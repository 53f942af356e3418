import Foundation
import Testing

@testable import Undersigned

/// The dates and country names the pages write without the locale library are checked here
/// against it: Foundation's formatter and locale data are the reference.
@Suite("Dates and country names as the locale data writes them")
struct LocalFormatsTests {
    private static func dayFormatter(_ locale: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: locale)
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.setLocalizedDateFormatFromTemplate("dMMMMy")
        return formatter
    }

    @Test("a day reads as the locale data's long form, in each language, for any moment from 1900 to 2200")
    func daysAgreeWithTheFormatter() {
        let formatters: [(InterfaceLanguage, DateFormatter)] = [
            (.en, Self.dayFormatter("en_GB")), (.fr, Self.dayFormatter("fr_FR")), (.ar, Self.dayFormatter("ar")),
        ]
        var generator = SystemRandomNumberGenerator()
        // The edges of days, months and leap years, then moments anywhere in the range.
        let edges: [TimeInterval] = [0, -1, 86_399.999, 951_782_400, 951_868_799, 4_107_542_399, 1_796_256_000]
        let moments =
            edges
            + (0..<1_500).map { _ in TimeInterval(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator)) }
        for seconds in moments {
            let date = Date(timeIntervalSince1970: seconds)
            for (language, formatter) in formatters {
                #expect(language.date(date) == formatter.string(from: date), "\(language) \(seconds)")
            }
        }
    }

    @Test(
        "a moment reads as its day and its UTC time to the minute",
        arguments: [
            (InterfaceLanguage.en, 1_796_256_000 + 9 * 3600 + 5 * 60 + 59, "3 December 2026, 09:05 UTC"),
            (.fr, 1_835_395_200 + 23 * 3600 + 59 * 60, "29 février 2028, 23:59 UTC"),
            (.ar, 946_684_799, "31 ديسمبر، 1999, 23:59 UTC"),
        ])
    func moments(language: InterfaceLanguage, seconds: Int, expected: String) {
        #expect(language.dateTime(Date(timeIntervalSince1970: TimeInterval(seconds))) == expected)
    }

    @Test("every country of the sign form is named as the locale data names it, in its alphabetical order")
    func countryNamesAgreeWithTheLocaleData() throws {
        try CountryNames.checkBundledTable()
        // The locale data calls China "mainland China" where a plain name reads better.
        let plainNames: [InterfaceLanguage: [String: String]] = [.fr: ["CN": "Chine"], .ar: ["CN": "الصين"]]
        for language in InterfaceLanguage.allCases {
            let locale = Locale(identifier: language.code)
            let sorted = CountryNames.sorted(in: language)
            #expect(sorted.count == Country.all.count)
            for country in Country.all {
                let expected =
                    language == .en
                    ? country.name
                    : plainNames[language]?[country.code] ?? locale.localizedString(forRegionCode: country.code)
                        ?? country.name
                #expect(CountryNames.name(of: country.code, in: language) == expected, "\(language) \(country.code)")
            }
            for (first, second) in zip(sorted, sorted.dropFirst()) {
                #expect(first.name.compare(second.name, locale: locale) != .orderedDescending, "\(language)")
            }
        }
    }
}
