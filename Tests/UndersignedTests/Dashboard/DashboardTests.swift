import Foundation
import FoundationXML
import Testing

@testable import Undersigned

/// A petition's dashboard: counts by state, confirmations per day as a chart and a table,
/// sources and countries, from counters rather than rows.
@Suite("Petition dashboards")
struct DashboardTests {
    @Test(
        "the dashboard counts each state, charts the day's confirmations and shows countries as the public does",
        arguments: TestDatabase.all)
    func figures(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in settings.smallCountThreshold = 2 }
        let owner = try await instance.createAccount("owner@example.org")
        let petition = try #require(
            try await instance.prepareOrganization("rivers", owner: owner, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        try await instance.run { browser in
            for (email, country) in [
                ("one@example.org", "SY"), ("two@example.org", "SY"), ("three@example.org", "DE"),
                ("four@example.org", "DE"),
                ("five@example.org", "FR"), ("bot@spam.example", "SY"), ("leaving@example.org", "FR"),
            ] {
                try await browser.newVisitor().signAndConfirm(email: email, on: "clean-rivers", country: country)
            }
            #expect(
                try await browser.newVisitor().sign(email: "later@example.org", country: "IT", slug: "clean-rivers")
                    .status == .seeOther)
            try await browser.withdraw(email: "leaving@example.org")
        }
        #expect(try await instance.invalidateSignatures(of: petition, domain: "spam.example") == 1)
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            // The petition's management page leads to the dashboard, the updates and the export.
            let manage = try await browser.get("/org/rivers/petitions/clean-rivers").body
            for path in ["dashboard", "updates"] {
                #expect(manage.contains("href=\"/org/rivers/petitions/clean-rivers/\(path)\""), "\(path)")
            }
            #expect(manage.contains("<form method=\"post\" action=\"/org/rivers/petitions/clean-rivers/export.csv\">"))
            let page = try await browser.get("/org/rivers/petitions/clean-rivers/dashboard")
            #expect(page.status == .ok)
            for (label, value) in [
                ("confirmed", 5), ("waiting for confirmation", 1), ("withdrawn", 1), ("invalidated", 1),
            ] {
                #expect(page.body.contains("<dt>\(label)</dt><dd>\(value)</dd>"), "\(label)")
            }
            #expect(page.body.contains("<svg class=\"chart\""))
            #expect(page.body.contains("role=\"img\" aria-labelledby=\"chart-title chart-desc\""))
            let today = InterfaceLanguage.en.date(instance.clock.now)
            #expect(page.body.contains("<desc id=\"chart-desc\">From \(today) to \(today), in UTC: 5 confirmed."))
            #expect(page.body.contains("<title>\(today): 5</title>"))
            #expect(page.body.contains("<tr><td>\(today)</td><td>5</td></tr>"))
            #expect(page.body.contains("<tr><td>The petition&#39;s page</td><td>5</td></tr>"))
            #expect(page.body.contains("<tr><td>Paper, imported in batches</td><td>0</td></tr>"))

            // Countries as the public page gives them: with a threshold of 2, France's one
            // signer is not named, only counted with the other small countries.
            let publicPage = try await browser.get("/p/clean-rivers/countries").body
            let rows = publicPage.matches(of: /<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/).map {
                "<tr><td>\($0.1)</td><td>\($0.2)</td></tr>"
            }
            #expect(rows.count == 3)
            #expect(rows.contains("<tr><td>Other countries (each fewer than 2)</td><td>fewer than 2</td></tr>"))
            #expect(!publicPage.contains("France"))
            for row in rows {
                #expect(page.body.contains(row), "\(row)")
            }
            #expect(
                page.body.contains("<form method=\"post\" action=\"/org/rivers/petitions/clean-rivers/export.csv\">"),
                "an owner may export")
        }
    }

    @Test("the chart is well-formed SVG with a bar per day that had confirmations, on a round scale")
    func chart() throws {
        let start = UTCDay(Date()).number - 3
        let days = [4, 0, 17, 9].enumerated().map {
            PetitionDashboard.DailyCount(day: UTCDay(number: start + $0.offset), confirmed: $0.element)
        }
        let svg = ConfirmationChart.svg(days)
        let document = try XMLDocument(xmlString: svg)
        #expect(try document.nodes(forXPath: "//rect").count == 3)
        #expect(try document.nodes(forXPath: "//text").map { $0.stringValue ?? "" }.contains("20"))
        #expect(svg.contains("30 confirmed. The most in one day: 17"))
        #expect(
            [0, 1, 3, 10, 11, 49, 51, 999].map(ConfirmationChart.niceCeiling) == [1, 1, 5, 10, 20, 50, 100, 1_000])
    }
}
