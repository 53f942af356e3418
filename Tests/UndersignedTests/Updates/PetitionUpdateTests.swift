import Foundation
import Testing

@testable import Undersigned

/// Organizers' updates: on the petition's page at once, emailed only to the confirmed signers
/// who asked for news, each of whom can stop them in one click.
@Suite("Organizers' updates")
struct PetitionUpdateTests {
    static let updates = "/org/rivers/petitions/clean-rivers/updates"

    @Test(
        "an update shows on the page at once and is emailed only to confirmed signers who asked for news, who can unsubscribe",
        arguments: TestDatabase.all)
    func postAndEmail(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let editor = try await instance.createAccount("editor@example.org")
        let petition = try #require(
            try await instance.prepareOrganization("rivers", owner: editor, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        try await instance.run { browser in
            try await browser.signIn("editor@example.org")
            try await browser.newVisitor().signAndConfirm(email: "news@example.org", on: "clean-rivers", updates: true)
            try await browser.newVisitor().signAndConfirm(
                email: "more-news@example.org", on: "clean-rivers", updates: true)
            try await browser.newVisitor().signAndConfirm(
                email: "quiet@example.org", on: "clean-rivers", updates: false)
            #expect(
                try await browser.newVisitor().sign(
                    email: "unconfirmed@example.org", updates: true, slug: "clean-rivers"
                ).status == .seeOther)
            let leaving = browser.newVisitor()
            try await leaving.signAndConfirm(email: "leaving@example.org", on: "clean-rivers", updates: true)
            try await leaving.withdraw(email: "leaving@example.org")
            _ = try await browser.mailbox.waitForMessages(to: "unconfirmed@example.org")
            try await browser.waitUntilNewsIsSent(updates: Self.updates)
            let before = Dictionary(
                uniqueKeysWithValues: ["quiet", "unconfirmed", "leaving"].map {
                    ($0, browser.mailbox.messages(to: "\($0)@example.org").count)
                })

            // The first press previews: the update as it will read, and to how many it goes.
            let previewed = try await browser.submit(
                Self.updates,
                [("subject", "We met the minister"), ("body", "She *listened*.\n\n<script>alert(1)</script>")])
            #expect(previewed.status == .ok)
            #expect(previewed.body.contains("Post this update and email it to 2 people?"))
            #expect(previewed.body.contains("She <em>listened</em>."))
            #expect(!previewed.body.contains("<script>alert(1)</script>"))
            #expect(!(try await browser.get(Self.updates).body.contains("<h3>We met the minister</h3>")))
            // "Send it to me first": a copy to the writer alone, and nothing posted.
            let editorsBefore = browser.mailbox.messages(to: "editor@example.org").count
            let copied = try await browser.post(
                Self.updates,
                form: [
                    ("csrf", previewed.field("csrf") ?? ""), ("subject", "We met the minister"),
                    ("body", "She *listened*."), ("intent", "copy"),
                ])
            #expect(copied.status == .ok)
            #expect(copied.body.contains("A copy is on its way to editor@example.org. Nothing is posted yet."))
            let copy = try #require(
                try await browser.mailbox.waitForMessages(to: "editor@example.org", count: editorsBefore + 1).last)
            #expect(copy.subject == "[Copy] We met the minister — \(petition.title)")
            #expect(copy.raw.contains("It is not posted yet"))
            let changing = try await browser.post(
                Self.updates,
                form: [
                    ("csrf", previewed.field("csrf") ?? ""), ("subject", "We met the minister"),
                    ("body", "She listened."),
                    ("intent", "edit"),
                ])
            #expect(changing.status == .ok)
            #expect(changing.body.contains(#"value="We met the minister""#))

            let posted = try await browser.submit(
                Self.updates,
                [
                    ("subject", "We met the minister"), ("body", "She *listened*.\n\n<script>alert(1)</script>"),
                    ("confirmed", "yes"),
                ])
            #expect(posted.status == .seeOther)
            let list = try await browser.get(try #require(posted.location))
            #expect(list.body.contains("The update is posted"))
            #expect(list.body.contains("<h3>We met the minister</h3>"))

            // The petition's page is a cached skeleton; posting refreshes it on this instance.
            let page = try await browser.newVisitor().get("/p/clean-rivers")
            #expect(page.body.contains("<h3>We met the minister</h3>"))
            #expect(page.body.contains("Posted on \(InterfaceLanguage.en.date(instance.clock.now))"))
            #expect(page.body.contains("She <em>listened</em>."))
            #expect(!page.body.contains("<script>alert(1)</script>"))

            let news = try #require(try await browser.mailbox.waitForMessages(to: "news@example.org", count: 3).last)
            #expect(news.subject == "We met the minister — \(petition.title)")
            #expect(news.raw.contains("Rivers has posted news about the petition you signed"))
            #expect(news.raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
            _ = try await browser.mailbox.waitForMessages(to: "more-news@example.org", count: 3)
            try await browser.waitUntilNewsIsSent(updates: Self.updates)
            for (name, count) in before {
                #expect(browser.mailbox.messages(to: "\(name)@example.org").count == count, "\(name)")
            }

            // One click stops the news: the next update reaches only the other signer.
            let unsubscribe = try #require(
                news.raw.firstMatch(of: /http:\/\/undersigned\.test(\/unsubscribe\/[A-Za-z0-9_-]+)/)?.1
            ).description
            let oneClick = try await browser.newVisitor().post(unsubscribe, body: "List-Unsubscribe=One-Click")
            #expect(oneClick.status == .ok && oneClick.body.contains("You are unsubscribed"))
            instance.clock.advance(by: 60)
            #expect(
                try await browser.submit(
                    Self.updates, [("subject", "Second news"), ("body", "More to come."), ("confirmed", "yes")]
                ).status
                    == .seeOther)
            _ = try await browser.mailbox.waitForMessages(to: "more-news@example.org", count: 4)
            try await browser.waitUntilNewsIsSent(updates: Self.updates)
            #expect(browser.mailbox.messages(to: "news@example.org").count == 3)

            let newest = try await browser.get("/p/clean-rivers").body
            let second = try #require(newest.range(of: "<h3>Second news</h3>"))
            let first = try #require(newest.range(of: "<h3>We met the minister</h3>"))
            #expect(second.lowerBound < first.lowerBound)
            let listed = try await browser.get(Self.updates).body
            #expect(listed.contains("Emailed to 2 signers"))
            #expect(listed.contains("Emailed to 1 signer"))
        }
        #expect(try await instance.auditActions().filter { $0 == .petitionUpdatePosted }.count == 2)
    }

    @Test(
        "an update needs a subject and a text within limits, and a petition that has signers",
        arguments: TestDatabase.all)
    func rules(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let editor = try await instance.createAccount("editor@example.org")
        try await instance.prepareOrganization(
            "rivers", owner: editor, petitions: ["clean-rivers": .open, "still-a-draft": .draft])
        try await instance.run { browser in
            try await browser.signIn("editor@example.org")

            let empty = try await browser.submit(Self.updates, [("subject", "  "), ("body", "\r\n")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Please give the update a subject."))
            #expect(empty.body.contains("Please write the update."))
            let long = try await browser.submit(
                Self.updates,
                [("subject", String(repeating: "s", count: 151)), ("body", String(repeating: "b", count: 20_001))])
            #expect(long.status == .unprocessableContent)
            #expect(long.body.contains("Please keep the subject to 150 characters."))
            #expect(long.body.contains("Please keep the update to 20,000 characters."))
            // What was typed comes back.
            #expect(long.body.contains(String(repeating: "s", count: 151)))

            // A subject is one line: it becomes an email's header.
            let folded = try await browser.submit(
                Self.updates,
                [("subject", "One line\r\nBcc: someone@example.org"), ("body", "Text."), ("confirmed", "yes")])
            #expect(folded.status == .seeOther)
            #expect(try await browser.get(Self.updates).body.contains("<h3>One line Bcc: someone@example.org</h3>"))

            let draft = "/org/rivers/petitions/still-a-draft/updates"
            let page = try await browser.get(draft)
            #expect(page.status == .ok)
            #expect(page.body.contains("once the petition is open. This one is a draft."))
            #expect(!page.body.contains("name=\"subject\""))
            // Posted anyway, with a token from a page that has the form:
            let token = try await browser.get(Self.updates).field("csrf") ?? ""
            let refused = try await browser.post(
                draft, form: [("csrf", token), ("subject", "Too soon"), ("body", "Hello.")])
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("This one is a draft."))
        }
        #expect(try await instance.auditActions().filter { $0 == .petitionUpdatePosted }.count == 1)
    }
}
