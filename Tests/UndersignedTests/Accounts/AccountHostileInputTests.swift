import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import Undersigned

/// Bad input on the account and organization forms gets a clear 4xx, never a 500.
@Suite("Hostile input on account forms")
struct AccountHostileInputTests {
    @Test("oversized, malformed and strange requests are refused plainly", arguments: TestDatabase.all)
    func hostile(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            let form = try await browser.get("/account/sign-in")
            let token = form.field("csrf") ?? ""
            let huge = String(repeating: "a", count: 200_000)
            let oversized = try await browser.post(
                "/account/sign-in", form: [("csrf", token), ("email", "owner@example.org"), ("password", huge)])
            #expect(oversized.status == .contentTooLarge)

            var notUTF8 = ByteBuffer(string: "csrf=\(token)&email=")
            notUTF8.writeBytes([0xFF, 0xFE])
            let binary = try await browser.send(
                "/account/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: notUTF8)
            #expect(binary.status == .badRequest)

            // A very long password is just a wrong password; no form field may hold a NUL.
            #expect(
                try await browser.signIn("owner@example.org", password: String(repeating: "é", count: 5000)).status
                    == .unprocessableContent)
            #expect(try await browser.signIn("owner@example.org", password: "\u{0}\u{0}\u{0}").status == .badRequest)
            for path in [
                "/invitations/x", "/invitations/%00", "/invitations/" + String(repeating: "A", count: 43),
                "/account/reset/" + String(repeating: "_", count: 43),
                "/org/%E2%80%AE", "/org/" + String(repeating: "a", count: 300),
            ] {
                let page = try await browser.get(path)
                #expect(page.status == .notFound || page.status == .seeOther, "\(path)")
            }
            try await browser.signIn("owner@example.org")
            for path in ["/org/%3Cscript%3E", "/org/A-B", "/org/acme/audit"] {
                let page = try await browser.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(!page.body.contains("<script>"))
            }
            // Markup in names is shown as text.
            let created = try await browser.createOrganization("<b>Bold</b> & co", slug: "bold")
            #expect(created.status == .seeOther)
            let page = try await browser.get("/org/bold")
            #expect(page.body.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; co"))
            #expect(!page.body.contains("<b>Bold</b>"))
        }
    }
}
