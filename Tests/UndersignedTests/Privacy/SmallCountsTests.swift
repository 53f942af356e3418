import Foundation
import Testing

@testable import Undersigned

@Suite("Per-country figures")
struct SmallCountsTests {
    @Test("countries below the threshold are withheld, never given as numbers")
    func threshold() {
        let tallies = SmallCounts.publishable(["FR": 40, "DE": 25, "SY": 3, "LB": 9, "JO": 0], threshold: 10)
        #expect(tallies.map(\.country) == ["FR", "DE", "LB", "SY"])
        #expect(tallies.map(\.signatures) == [40, 25, nil, nil])
        #expect(tallies.map(\.withheld) == [nil, nil, .belowThreshold, .belowThreshold])
    }

    @Test("a single small figure also withholds the next smallest, so it cannot be derived from the total")
    func complementary() {
        let tallies = SmallCounts.publishable(["FR": 40, "DE": 25, "SY": 3], threshold: 10)
        #expect(tallies.map(\.country) == ["FR", "DE", "SY"])
        #expect(tallies.map(\.signatures) == [40, nil, nil])
        #expect(tallies.map(\.withheld) == [nil, .complementary, .belowThreshold])
        // Alone, the small figure is withheld and nothing else exists to withhold.
        #expect(SmallCounts.publishable(["SY": 2]).map(\.withheld) == [.belowThreshold])
        #expect(SmallCounts.publishable([:]).isEmpty)
    }

    @Test("ties are ordered by country code")
    func ties() {
        #expect(SmallCounts.publishable(["FR": 12, "BE": 12, "AT": 30]).map(\.country) == ["AT", "BE", "FR"])
    }

    @Test("per-country figures are counted as signatures are confirmed and published with small numbers withheld", arguments: TestDatabase.all)
    func throughTheSite(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let signers = (0..<12).map { ("de\($0)@example.org", "DE") } + (0..<10).map { ("fr\($0)@example.org", "FR") }
                + (0..<3).map { ("sy\($0)@example.org", "SY") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (email, country) in signers {
                    let visitor = browser.newVisitor()
                    group.addTask { try await visitor.signAndConfirm(email: email, country: country) }
                }
                try await group.waitForAll()
            }
            // A signer who never confirms is not in any figure.
            try await browser.sign(email: "unconfirmed@example.org", country: "SY")
            #expect(try await browser.apiCount() == 25)

            try await Task.sleep(for: .milliseconds(1100))  // the published figures are cached for a second
            let response = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)/countries")
            #expect(response.status == .ok)
            struct Figures: Decodable {
                struct Entry: Decodable { var country: String; var name: String; var signatures: Int?; var withheld: String? }
                var threshold: Int
                var countries: [Entry]
            }
            let figures = try JSONDecoder().decode(Figures.self, from: Data(response.body.utf8))
            #expect(figures.threshold == 10)
            #expect(figures.countries.map(\.country) == ["DE", "FR", "SY"])
            #expect(figures.countries.map(\.signatures) == [12, nil, nil])
            #expect(figures.countries.map(\.withheld) == [nil, "complementary", "below-threshold"])
            #expect(!response.body.contains("\"signatures\":3"))

            let page = try await browser.get("/p/\(TestInstance.seedSlug)/countries")
            #expect(page.status == .ok)
            #expect(page.body.contains("<td>Germany</td><td>12</td>"))
            #expect(page.body.contains("<td>France</td><td>not shown</td>"))
            #expect(page.body.contains("</td><td>fewer than 10</td>"))
        }
    }

    @Test("the threshold is a setting, and the API and pages follow it", arguments: TestDatabase.all)
    func configuredThreshold(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in settings.smallCountThreshold = 3 }
        try await instance.run { browser in
            for (email, country) in (0..<3).map({ ("de\($0)@example.org", "DE") }) + (0..<4).map({ ("fr\($0)@example.org", "FR") }) {
                try await browser.newVisitor().signAndConfirm(email: email, country: country)
            }
            let response = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)/countries")
            #expect(response.body.contains("\"threshold\":3"))
            #expect(response.body.contains("\"signatures\":3") && response.body.contains("\"signatures\":4"))
            #expect(try await browser.get("/p/\(TestInstance.seedSlug)/countries").body.contains("<td>Germany</td><td>3</td>"))
        }
        let environment = ["UNDERSIGNED_SMALL_COUNT_THRESHOLD": "25"]
        #expect(try Settings.resolve(flags: SettingsFlags(), environment: environment).smallCountThreshold == 25)
        #expect(throws: SettingsError.self) { try Settings.resolve(flags: SettingsFlags(), environment: ["UNDERSIGNED_SMALL_COUNT_THRESHOLD": "1"]) }
    }
}
