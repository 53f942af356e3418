import Foundation
import Testing

@testable import Undersigned

@Suite("CLDR plural rules and local number formats")
struct PluralRulesTests {
    @Test("English has one and other")
    func english() {
        #expect(InterfaceLanguage.en.pluralCategory(of: 1) == .one)
        for number in [0, 2, 11, 21, 100, 1_000_000] {
            #expect(InterfaceLanguage.en.pluralCategory(of: number) == .other)
        }
    }

    @Test("French counts 0 and 1 as one, exact millions as many")
    func french() {
        #expect(InterfaceLanguage.fr.pluralCategory(of: 0) == .one)
        #expect(InterfaceLanguage.fr.pluralCategory(of: 1) == .one)
        for number in [2, 17, 999_999, 1_000_001] { #expect(InterfaceLanguage.fr.pluralCategory(of: number) == .other) }
        for number in [1_000_000, 3_000_000] { #expect(InterfaceLanguage.fr.pluralCategory(of: number) == .many) }
    }

    @Test(
        "Arabic has its six forms",
        arguments: [
            (0, PluralCategory.zero), (1, .one), (2, .two), (3, .few), (10, .few), (103, .few), (1010, .few),
            (11, .many), (26, .many), (99, .many), (111, .many), (100, .other), (101, .other), (102, .other),
            (200, .other), (1000, .other),
        ])
    func arabic(number: Int, category: PluralCategory) {
        #expect(InterfaceLanguage.ar.pluralCategory(of: number) == category)
    }

    @Test("a counted phrase takes the form of its number, with the number written as the language does")
    func countedPhrases() {
        let english = Translations.bundled[.en]
        #expect(english.counted(.petitionCount, 1) == "1 confirmed signature")
        #expect(english.counted(.petitionCount, 12_345) == "12,345 confirmed signatures")
        let french = Translations.bundled[.fr]
        #expect(french.counted(.petitionCount, 1).hasPrefix("1 signature "))
        #expect(french.counted(.petitionCount, 12_345).hasPrefix("12\u{202F}345 signatures "))
        #expect(french.counted(.petitionCount, 2_000_000).contains(" de signatures"))
        let arabic = Translations.bundled[.ar]
        let forms = [0, 1, 2, 5, 11, 100].map { arabic.counted(.petitionCount, $0) }
        // Six numbers, six categories: the zero, one and other forms may share words, the rest not.
        #expect(Set(forms).count == 6)
        #expect(forms[2].contains("توقيعان"))
    }

    @Test("dates are written in each language")
    func dates() {
        let day = Date(timeIntervalSince1970: 1_796_256_000)
        #expect(InterfaceLanguage.en.date(day) == "3 December 2026")
        #expect(InterfaceLanguage.fr.date(day) == "3 décembre 2026")
        #expect(InterfaceLanguage.ar.date(day) == "3 ديسمبر، 2026")
    }
}
