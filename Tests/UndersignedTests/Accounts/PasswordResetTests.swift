import Foundation
import HTTPTypes
import SQLKit
import Testing

@testable import Undersigned

@Suite("Resetting a password")
struct PasswordResetTests {
    @Test(
        "the emailed link sets a new password once, ends every other session and signs in", arguments: TestDatabase.all)
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
            let differ = try await browser.submit(
                link, [("password", "a new long passphrase"), ("confirmation", "another one entirely")])
            #expect(differ.status == .unprocessableContent)
            #expect(differ.body.contains("differ"))

            let done = try await browser.submit(
                link, [("password", "a new long passphrase"), ("confirmation", "a new long passphrase")])
            #expect(done.status == .seeOther)
            #expect(done.location == "/account")
            #expect(try await browser.get("/account").status == .ok)
            #expect(try await elsewhere.get("/account").status == .seeOther)

            // The link works once.
            #expect(try await browser.get(link).status == .notFound)
            let reused = try await browser.submit(
                "/account/reset", action: link,
                [("password", "yet another passphrase"), ("confirmation", "yet another passphrase")])
            #expect(reused.status == .notFound)

            let fresh = browser.newVisitor()
            #expect(try await fresh.signIn("organizer@example.org").status == .unprocessableContent)
            #expect(
                try await fresh.signIn("organizer@example.org", password: "a new long passphrase").status == .seeOther)
        }
        #expect(try await instance.auditActions().contains(.passwordReset))
    }

    @Test("a link older than an hour is refused", arguments: TestDatabase.all)
    func expired(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            _ = try await browser.submit("/account/reset", [("email", "organizer@example.org")])
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "organizer@example.org").last?.link(to: "account/reset"))
            let form = try await browser.get(link)
            #expect(form.status == .ok)
            instance.clock.advance(by: 3601)
            #expect(try await browser.get(link).status == .notFound)
            let late = try await browser.post(
                link,
                form: [
                    ("csrf", form.field("csrf") ?? ""), ("password", "a new long passphrase"),
                    ("confirmation", "a new long passphrase"),
                ])
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

    @Test(
        "known, unknown and disabled addresses get the same answer through the same work: an email sealed and written to the outbox",
        arguments: TestDatabase.all)
    func sameWork(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        let disabled = try await instance.createAccount("disabled@example.org")
        try await instance.withStore { store in
            try await store.accountTransaction { try await $0.setDisabled(accountID: disabled.id, at: Date()) }
            try await Self.countOutboxWrites(store, database)
        }
        let answers = try await instance.run { browser in
            let form = try await browser.get("/account/reset")
            var answers: [Browser.Page] = []
            for email in ["nobody@example.org", "organizer@example.org", "disabled@example.org"] {
                answers.append(
                    try await browser.post(
                        "/account/reset", form: [("csrf", form.field("csrf") ?? ""), ("email", email)]))
            }
            _ = try await browser.mailbox.waitForMessages(to: "organizer@example.org")
            try await Task.sleep(for: .milliseconds(500))
            #expect(browser.mailbox.messages().map(\.to) == ["organizer@example.org"])
            return answers
        }
        for answer in answers.dropFirst() {
            #expect(answer.status == answers[0].status)
            #expect(answer.body == answers[0].body)
            #expect(Self.withoutDate(answer.headers) == Self.withoutDate(answers[0].headers))
        }
        // One sealed email written to the outbox for each request; only the real one stayed there.
        #expect(try await instance.withStore { try await Self.outboxWrites($0) } == 3)
    }

    /// Counts every row ever inserted into the outbox, with a trigger the application knows nothing of.
    static func countOutboxWrites(_ store: any Database, _ database: TestDatabase) async throws {
        let sql = try #require(store as? SQLStore)
        try await sql.driver.transaction { db in
            try await db.raw("CREATE TABLE outbox_writes (id TEXT NOT NULL)").run()
            switch database {
            case .sqlite:
                try await db.raw(
                    "CREATE TRIGGER outbox_written AFTER INSERT ON outbox BEGIN INSERT INTO outbox_writes (id) VALUES (NEW.id); END"
                ).run()
            case .postgres:
                try await db.raw(
                    "CREATE FUNCTION outbox_written() RETURNS trigger AS $$ BEGIN INSERT INTO outbox_writes (id) VALUES (NEW.id); RETURN NEW; END $$ LANGUAGE plpgsql"
                ).run()
                try await db.raw(
                    "CREATE TRIGGER outbox_written AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_written()"
                ).run()
            }
        }
    }

    static func outboxWrites(_ store: any Database) async throws -> Int {
        let sql = try #require(store as? SQLStore)
        return try await sql.driver.transaction { db in
            try await db.raw("SELECT COUNT(*) AS writes FROM outbox_writes").all().first?.decode(
                column: "writes", as: Int.self) ?? -1
        }
    }

    static func withoutDate(_ headers: HTTPFields) -> [String] {
        headers.filter { $0.name != .date }.map { "\($0.name): \($0.value)" }
    }
}
