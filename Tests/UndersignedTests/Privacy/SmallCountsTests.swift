import Foundation
import Testing

@testable import Undersigned

@Suite("Per-country figures")
struct SmallCountsTests {
    @Test("countries below the threshold are never named, only counted together")
    func threshold() {
        let figures = SmallCounts.publishable(["FR": 40, "DE": 25, "SY": 3, "LB": 9, "JO": 0], threshold: 10)
        #expect(figures.countries.map(\.country) == ["FR", "DE"])
        #expect(figures.countries.map(\.signatures) == [40, 25])
        #expect(figures.others == .total(12))
        #expect(
            figures.lines(threshold: 10).last
                == SmallCounts.Line(country: nil, name: "Other countries (each fewer than 10)", figure: "12 in all"))
    }

    @Test(
        "the small countries' sum is itself withheld below the threshold; without small countries there is no such line"
    )
    func smallSum() {
        let figures = SmallCounts.publishable(["FR": 40, "SY": 3, "LB": 2], threshold: 10)
        #expect(figures.others == .withheld)
        #expect(figures.lines(threshold: 10).map(\.figure) == ["40", "fewer than 10"])
        #expect(SmallCounts.publishable(["FR": 40]).others == nil)
        #expect(SmallCounts.publishable(["SY": 2]).countries.isEmpty)
        #expect(SmallCounts.publishable([:]) == SmallCounts.Figures(countries: [], others: nil))
    }

    @Test("ties are ordered by country code")
    func ties() {
        #expect(
            SmallCounts.publishable(["FR": 12, "BE": 12, "AT": 30]).countries.map(\.country) == ["AT", "BE", "FR"])
    }

    @Test(
        "per-country figures are counted as signatures are confirmed and published with small countries only together",
        arguments: TestDatabase.all)
    func throughTheSite(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let signers =
                (0..<12).map { ("de\($0)@example.org", "DE") } + (0..<10).map { ("fr\($0)@example.org", "FR") }
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

            let response = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)/countries")
            #expect(response.status == .ok)
            struct Figures: Decodable {
                struct Entry: Decodable {
                    var country: String
                    var name: String
                    var signatures: Int
                }
                struct Others: Decodable {
                    var signatures: Int?
                    var withheld: String?
                }
                var threshold: Int
                var countries: [Entry]
                var otherCountries: Others?
            }
            let figures = try JSONDecoder().decode(Figures.self, from: Data(response.body.utf8))
            #expect(figures.threshold == 10)
            #expect(figures.countries.map(\.country) == ["DE", "FR"])
            #expect(figures.countries.map(\.signatures) == [12, 10])
            #expect(figures.otherCountries?.signatures == nil)
            #expect(figures.otherCountries?.withheld == "below-threshold")
            #expect(!response.body.contains("SY"))

            let page = try await browser.get("/p/\(TestInstance.seedSlug)/countries")
            #expect(page.status == .ok)
            #expect(page.body.contains("<td>Germany</td><td>12</td>"))
            #expect(page.body.contains("<td>France</td><td>10</td>"))
            #expect(page.body.contains("<td>Other countries (each fewer than 10)</td><td>fewer than 10</td>"))
            #expect(!page.body.contains("<td>Syria</td>"))
        }
    }

    @Test("the threshold is a setting, and the API and pages follow it", arguments: TestDatabase.all)
    func configuredThreshold(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in settings.smallCountThreshold = 3 }
        try await instance.run { browser in
            for (email, country) in (0..<3).map({ ("de\($0)@example.org", "DE") })
                + (0..<4).map({ ("fr\($0)@example.org", "FR") })
            {
                try await browser.newVisitor().signAndConfirm(email: email, country: country)
            }
            let response = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)/countries")
            #expect(response.body.contains("\"threshold\":3"))
            #expect(response.body.contains("\"signatures\":3") && response.body.contains("\"signatures\":4"))
            #expect(
                try await browser.get("/p/\(TestInstance.seedSlug)/countries").body.contains(
                    "<td>Germany</td><td>3</td>"))
        }
        let environment = ["UNDERSIGNED_SMALL_COUNT_THRESHOLD": "25"]
        #expect(try Settings.resolve(arguments: [], environment: environment).smallCountThreshold == 25)
        #expect(throws: SettingsError.self) {
            try Settings.resolve(arguments: [], environment: ["UNDERSIGNED_SMALL_COUNT_THRESHOLD": "1"])
        }
    }
}
