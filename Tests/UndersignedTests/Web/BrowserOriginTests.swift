import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Forms as real browsers send them: with `Referrer-Policy: no-referrer` on every page, a
/// form POST carries `Origin: null`.
@Suite("Forms posted by browsers")
struct BrowserOriginTests {
    @Test(
        "signing and confirming work with Origin: null; a cross-site post is still refused", arguments: TestDatabase.all
    )
    func nullOrigin(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let asBrowser: HTTPFields = [.origin: "null", .secFetchSite: "same-origin"]
            let page = try await browser.get(TestInstance.seedPath)
            let signed = try await browser.post(
                try #require(page.formAction), form: browser.signForm(from: page, email: "browser@example.org"),
                headers: asBrowser)
            #expect(signed.status == .seeOther)
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "browser@example.org").first?.confirmationPath)
            let confirmPage = try await browser.get(link)
            let confirmed = try await browser.post(
                link, form: [("csrf", confirmPage.field("csrf") ?? "")], headers: asBrowser)
            #expect(confirmed.status == .seeOther)
            #expect(try await browser.apiCount() == 1)

            let again = try await browser.get(TestInstance.seedPath)
            let crossSite = try await browser.post(
                "\(TestInstance.seedPath)/sign", form: browser.signForm(from: again, email: "other@example.org"),
                headers: [.origin: "null", .secFetchSite: "cross-site"])
            #expect(crossSite.status == .forbidden)
        }
    }
}
