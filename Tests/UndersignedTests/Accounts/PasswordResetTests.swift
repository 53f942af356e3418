import Foundation
import Testing

@testable import Undersigned

@Suite("Resetting a password")
struct PasswordResetTests {
    @Test("the emailed link sets a new password once, ends every other session and signs in", arguments: TestDatabase.all)
    func reset(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            let elsewhere = browser.newVisitor()
            try await elsewhere.signIn("organizer@example.org")
            #expect(try await elsewhere.get("/account").status == .ok)

            let asked = try await browser.submit("/account/reset", [("email", "organizer@example.org")])
            let unknown = try await browser.newVisitor().submit("/account/reset", [("email", "nobody@example.org")])
            #expect(asked.status == .ok)
            #expect(SignInTests.withoutTokens(asked.body) == SignInTests.withoutTokens(unknown.body))
            #expect(asked.body.contains("If an account uses this address"))

            let email = try #require(try await browser.mailbox.waitForMessages(to: "organizer@example.org").last)
            #expect(email.subject == "Reset your Undersigned password")
            let link = try #require(email.link(to: "account/reset"))
            #expect(browser.mailbox.messages(to: "nobody@example.org").isEmpty)

            // Bad input gets the form again, never a change.
            let short = try await browser.submit(link, [("password", "too short"), ("confirmation", "too short")])
            #expect(short.status == .unprocessableContent)
            #expect(short.body.contains("at least 12"))
            let differ = try await browser.submit(link, [("password", "a new long passphrase"), ("confirmation", "another one entirely")])
            #expect(differ.status == .unprocessableContent)
            #expect(differ.body.contains("differ"))

            let done = try await browser.submit(link, [("password", "a new long passphrase"), ("confirmation", "a new long passphrase")])
            #expect(done.status == .seeOther)
            #expect(done.location == "/account")
            #expect(try await browser.get("/account").status == .ok)
            #expect(try await elsewhere.get("/account").status == .seeOther)

            // The link works once.
            #expect(try await browser.get(link).status == .notFound)
            let reused = try await browser.submit(
                "/account/reset", action: link, [("password", "yet another passphrase"), ("confirmation", "yet another passphrase")])
            #expect(reused.status == .notFound)

            let fresh = browser.newVisitor()
            #expect(try await fresh.signIn("organizer@example.org").status == .unprocessableContent)
            #expect(try await fresh.signIn("organizer@example.org", password: "a new long passphrase").status == .seeOther)
        }
        #expect(try await instance.auditActions().contains(.passwordReset))
    }

    @Test("a link older than an hour is refused", arguments: TestDatabase.all)
    func expired(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            _ = try await browser.submit("/account/reset", [("email", "organizer@example.org")])
            let link = try #require(try await browser.mailbox.waitForMessages(to: "organizer@example.org").last?.link(to: "account/reset"))
            let form = try await browser.get(link)
            #expect(form.status == .ok)
            instance.clock.advance(by: 3601)
            #expect(try await browser.get(link).status == .notFound)
            let late = try await browser.post(
                link, form: [("csrf", form.field("csrf") ?? ""), ("password", "a new long passphrase"), ("confirmation", "a new long passphrase")])
            #expect(late.status == .notFound)
            #expect(try await browser.signIn("organizer@example.org").status == .seeOther)
            // Malformed tokens are refused the same way.
            #expect(try await browser.get("/account/reset/not-a-token").status == .notFound)
        }
    }

    @Test("at most 3 reset emails an hour go to one account", arguments: [TestDatabase.sqlite])
    func limited(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            for _ in 0..<5 {
                #expect(try await browser.submit("/account/reset", [("email", "organizer@example.org")]).status == .ok)
            }
            _ = try await browser.mailbox.waitForMessages(to: "organizer@example.org", count: 3)
            try await Task.sleep(for: .seconds(2))
            #expect(browser.mailbox.messages(to: "organizer@example.org").count == 3)
        }
    }
}
