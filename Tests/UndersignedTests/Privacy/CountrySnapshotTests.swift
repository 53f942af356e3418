import Foundation
import Testing

@testable import Undersigned

/// Per-country figures come from a snapshot taken at a coarse interval, and countries below
/// the threshold are only ever counted together: watching the exact total go up one by one
/// tells nobody which small country a new signer is from.
@Suite("Per-country figures from a coarse snapshot")
struct CountrySnapshotTests {
    @Test(
        "a confirmation in a small country changes no published figure until the interval passes, and no small country is named",
        arguments: TestDatabase.all)
    func snapshot(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in settings.smallCountThreshold = 3 }
        try await instance.run { browser in
            for (index, country) in ["FR", "FR", "FR", "SY"].enumerated() {
                try await browser.newVisitor().signAndConfirm(email: "first\(index)@example.org", country: country)
            }
            let api = "/api/v1/petitions/\(TestInstance.seedSlug)/countries"
            let page = "/p/\(TestInstance.seedSlug)/countries"
            let before = try await browser.get(api)
            let beforePage = try await browser.get(page)
            #expect(before.status == .ok && beforePage.status == .ok)
            #expect(beforePage.body.contains("<td>France</td><td>3</td>"))
            #expect(beforePage.body.contains("Other countries (each fewer than 3)"))
            #expect(beforePage.body.contains("As of"))

            // Two more signers, each from a country of their own, half an hour later.
            instance.clock.advance(by: 30 * 60)
            for (index, country) in ["DE", "LB"].enumerated() {
                try await browser.newVisitor().signAndConfirm(email: "later\(index)@example.org", country: country)
            }
            #expect(try await browser.apiCount() == 6)
            // Longer than any cache of a moment: only the interval, on the injected clock, brings new figures.
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await browser.get(api).body == before.body)
            #expect(Self.figures(try await browser.get(page).body) == Self.figures(beforePage.body))

            // Once the interval has passed, the small countries show only as one figure, now large enough to give.
            instance.clock.advance(by: 31 * 60)
            let after = try await browser.get(api)
            #expect(after.body != before.body)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(after.body.utf8)) as? [String: Any])
            let others = try #require(json["otherCountries"] as? [String: Any])
            #expect(others["signatures"] as? Int == 3)
            #expect(json["asOf"] is String)
            let afterPage = try await browser.get(page).body
            #expect(afterPage.contains("<td>Other countries (each fewer than 3)</td><td>3 in all</td>"))

            // Neither the API nor the table names a small country (the page's own text may well say "Syria").
            let tables = Self.figures(beforePage.body) + Self.figures(afterPage)
            for text in [before.body, after.body] + tables {
                for named in ["\"SY\"", "\"DE\"", "\"LB\"", "Syria", "Germany", "Lebanon"] {
                    #expect(!text.contains(named), "\(named)")
                }
            }
        }
    }

    /// The rows of the countries table.
    static func figures(_ body: String) -> [String] {
        body.matches(of: /<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/).map { "\($0.1): \($0.2)" }
    }
}
