import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

@Suite("Signing in and out")
struct SignInTests {
    @Test(
        "signing in sets a fresh HttpOnly, SameSite=Lax session cookie and discards any session id set before",
        arguments: TestDatabase.all)
    func signInRotatesTheSession(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            // An attacker plants a session id of their choosing before the victim signs in.
            let planted = SecretToken.generate().value
            browser.setCookie(browser.sessionCookieName, planted)
            let page = try await browser.signIn("organizer@example.org")
            #expect(page.status == .seeOther)
            let setCookie = try #require(
                page.headers[values: .setCookie].first { $0.hasPrefix("undersigned_session=") })
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Secure"))
            let token = try #require(browser.sessionToken)
            #expect(token != planted)
            #expect(token.utf8.count == 43)
            let attacker = browser.newVisitor()
            attacker.setCookie(attacker.sessionCookieName, planted)
            #expect(try await attacker.get("/account").status == .seeOther)
            #expect(try await browser.get("/account").status == .ok)

            // Signing in again, even from a signed-in browser, starts a new session and ends the old one.
            let again = try await browser.submit(
                "/account/reset", action: "/account/sign-in",
                [("email", "organizer@example.org"), ("password", TestInstance.password)])
            #expect(again.status == .seeOther)
            let rotated = try #require(browser.sessionToken)
            #expect(rotated != token)
            attacker.setCookie(attacker.sessionCookieName, token)
            #expect(try await attacker.get("/account").status == .seeOther)
            #expect(try await browser.get("/account").status == .ok)
        }
    }

    @Test(
        "a wrong password and an unknown email get the same answer; sign-in returns to where it was asked",
        arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            let wrong = try await browser.signIn("organizer@example.org", password: "not the right password")
            let unknown = try await browser.signIn("nobody@example.org", password: "not the right password")
            #expect(wrong.status == .unprocessableContent)
            #expect(unknown.status == wrong.status)
            #expect(
                Self.withoutTokens(wrong.body)
                    == Self.withoutTokens(unknown.body).replacingOccurrences(of: "nobody@", with: "organizer@"))
            #expect(wrong.body.contains("not right"))
            #expect(wrong.body.contains(#"value="organizer@example.org""#))
            #expect(!wrong.body.contains("not the right password"))
            #expect(browser.sessionToken == nil)

            // Pages that need an account send there first, and come back after.
            let asked = try await browser.get("/org/new")
            #expect(asked.status == .seeOther)
            #expect(asked.location == "/account/sign-in?next=/org/new")
            let signedIn = try await browser.signIn("organizer@example.org", next: "/org/new")
            #expect(signedIn.location == "/org/new")
            // Never to another site.
            browser.forgetCookies()
            #expect(try await browser.signIn("organizer@example.org", next: "//evil.example/x").location == "/account")
            // JSON clients get 401 problem details instead.
            let api = try await browser.newVisitor().get("/account", headers: [.accept: "application/json"])
            #expect(api.status == .unauthorized)
            #expect(api.headers[.contentType] == "application/problem+json")
        }
    }

    @Test(
        "a stranger flooding wrong passwords from one address cannot lock the admin out, and is slowed down",
        arguments: TestDatabase.all)
    func noLockout(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.run { browser in
            // The admin signed in from this browser before: it holds the known-device cookie.
            let admin = browser.newVisitor()
            #expect(try await admin.signIn("admin@example.org").status == .seeOther)
            #expect(try await admin.submit("/account", action: "/account/sign-out").status == .seeOther)

            // The attacker shares the admin's network address, but not the browser; a device cookie of its own making counts for nothing.
            let attacker = Browser(client: browser.client, mailbox: browser.mailbox, address: admin.address)
            attacker.setCookie("undersigned_device", String(repeating: "A", count: 75))
            for _ in 0..<5 {
                #expect(
                    try await attacker.signIn("admin@example.org", password: "guess guess guess").status
                        == .unprocessableContent)
            }
            let slowed = try await attacker.signIn("admin@example.org", password: "guess guess guess")
            #expect(slowed.status == .tooManyRequests)
            #expect(slowed.headers[.retryAfter] == "1")
            // Each further failure doubles the wait; waiting it out allows one more guess.
            instance.clock.advance(by: 1)
            #expect(
                try await attacker.signIn("admin@example.org", password: "guess guess guess").status
                    == .unprocessableContent)
            #expect(
                try await attacker.signIn("admin@example.org", password: "guess guess guess").headers[.retryAfter]
                    == "2")
            // Even the right password waits, from the attacker's connection.
            #expect(try await attacker.signIn("admin@example.org").status == .tooManyRequests)

            // The admin is not locked out: not from another address, nor from the same one with the known device.
            #expect(try await browser.newVisitor().signIn("admin@example.org").status == .seeOther)
            let signedIn = try await admin.signIn("admin@example.org")
            #expect(signedIn.status == .seeOther)
            let device = try #require(
                signedIn.headers[values: .setCookie].first { $0.hasPrefix("undersigned_device=") })
            #expect(
                device.contains("HttpOnly") && device.contains("SameSite=Strict") && device.contains("Path=/account"))
        }
        #expect(!(try await instance.auditActions().contains(.accountLocked)))
    }

    @Test(
        "many addresses guessing one account spend its budget: only addresses that failed wait, never new ones",
        arguments: TestDatabase.all)
    func accountBudget(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in settings.signInFailuresPerHour = 4 }
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            let guessers = (0..<4).map { _ in browser.newVisitor() }
            for guesser in guessers {
                #expect(
                    try await guesser.signIn("organizer@example.org", password: "guess guess guess").status
                        == .unprocessableContent)
            }
            let spent = try await guessers[0].signIn("organizer@example.org")
            #expect(spent.status == .tooManyRequests)
            #expect(spent.headers[.retryAfter] != nil)
            #expect(try await browser.newVisitor().signIn("organizer@example.org").status == .seeOther)
            instance.clock.advance(by: 15 * 60)
            #expect(try await guessers[0].signIn("organizer@example.org").status == .seeOther)
        }
    }

    @Test(
        "wrong passwords are answered and slowed alike for an account that exists and one that does not",
        arguments: TestDatabase.all)
    func sameForUnknownAccounts(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            let known = browser.newVisitor()
            let unknown = browser.newVisitor()
            for _ in 0..<7 {
                let onKnown = try await known.signIn("organizer@example.org", password: "guess guess guess")
                let onUnknown = try await unknown.signIn("nobody@example.org", password: "guess guess guess")
                #expect(onKnown.status == onUnknown.status)
                #expect(onKnown.headers[.retryAfter] == onUnknown.headers[.retryAfter])
                #expect(
                    Self.withoutTokens(onKnown.body)
                        == Self.withoutTokens(onUnknown.body).replacingOccurrences(of: "nobody@", with: "organizer@"))
            }
        }
    }

    @Test("one connection trying many accounts is held back: 10 attempts a minute", arguments: [TestDatabase.sqlite])
    func perAddressLimit(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            for index in 0..<10 {
                #expect(
                    try await browser.signIn("user\(index)@example.org", password: "one common guess").status
                        == .unprocessableContent)
            }
            let held = try await browser.signIn("organizer@example.org")
            #expect(held.status == .tooManyRequests)
            #expect(held.headers[.retryAfter] != nil)
            #expect(held.body.contains("Too many attempts"))
            #expect(try await browser.newVisitor().signIn("organizer@example.org").status == .seeOther)
            instance.clock.advance(by: 60)
            #expect(try await browser.signIn("organizer@example.org").status == .seeOther)
        }
    }

    @Test("signing out ends the session on the server: the old cookie no longer signs in", arguments: TestDatabase.all)
    func signOut(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            try await browser.signIn("organizer@example.org")
            let token = try #require(browser.sessionToken)
            // Without the form's token, nothing happens.
            #expect(try await browser.post("/account/sign-out", form: [("csrf", "forged")]).status == .forbidden)
            #expect(try await browser.get("/account").status == .ok)
            let out = try await browser.submit("/account", action: "/account/sign-out")
            #expect(out.status == .seeOther)
            #expect(
                out.headers[values: .setCookie].contains {
                    $0.hasPrefix("undersigned_session=;") && $0.contains("Max-Age=0")
                })
            let replay = browser.newVisitor()
            replay.setCookie(replay.sessionCookieName, token)
            #expect(try await replay.get("/account").status == .seeOther)
        }
    }

    @Test(
        "instances sharing the database share sessions: signed in at one, signed out at the other",
        arguments: TestDatabase.all.filter { $0 == .postgres })
    func sharedSessions(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        let other = instance.sibling()
        try await instance.run { first in
            try await other.run { second in
                try await first.signIn("organizer@example.org")
                let elsewhere = first.on(second)
                #expect(try await elsewhere.get("/account").status == .ok)
                #expect(try await elsewhere.submit("/account", action: "/account/sign-out").status == .seeOther)
                #expect(try await first.get("/account").status == .seeOther)
            }
        }
    }

    @Test("sessions end after the idle time and at their absolute end", arguments: TestDatabase.all)
    func expiry(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            try await browser.signIn("organizer@example.org")
            instance.clock.advance(by: 11 * 3600)
            #expect(try await browser.get("/account").status == .ok)
            instance.clock.advance(by: 11 * 3600)
            #expect(try await browser.get("/account").status == .ok)
            instance.clock.advance(by: 12 * 3600 + 1)
            #expect(try await browser.get("/account").status == .seeOther)

            try await browser.signIn("organizer@example.org")
            for _ in 0..<30 {
                instance.clock.advance(by: 11 * 3600)
                _ = try await browser.get("/account")
            }
            #expect(try await browser.get("/account").status == .ok)
            instance.clock.advance(by: 11 * 3600)
            #expect(try await browser.get("/account").status == .seeOther)
        }
    }

    @Test("over HTTPS the cookie is Secure and named with the __Host- prefix", arguments: [TestDatabase.sqlite])
    func secureCookie(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in
            settings.baseURL = URL(string: "https://undersigned.test")!
        }
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            let page = try await browser.signIn("organizer@example.org")
            let setCookie = try #require(page.headers[values: .setCookie].first { $0.contains("session=") })
            #expect(setCookie.hasPrefix("__Host-undersigned_session="))
            #expect(setCookie.contains("; Secure"))
            #expect(setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Domain"))
            #expect(try await browser.get("/account").status == .ok)
        }
    }

    /// A page with its form tokens blanked, to compare two answers.
    static func withoutTokens(_ body: String) -> String {
        body.replacingOccurrences(of: #"name="csrf" value="[^"]*""#, with: "", options: .regularExpression)
    }
}
