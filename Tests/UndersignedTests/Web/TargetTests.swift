import Foundation
import Testing
import ZIPFoundation

@testable import Undersigned

/// A target's private link: reading the delivery, downloading the package, answering in
/// public; and the signers who asked for news being told, with a working unsubscribe.
@Suite("Targets' private links and responses")
struct TargetTests {
    @Test(
        "a target reads, downloads and answers through its link; once an admin approves, opted-in signers are told and can unsubscribe",
        arguments: TestDatabase.all)
    func respond(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.run { browser in
            try await Self.signAndConfirm(browser.newVisitor(), email: "wants-news@example.org", updates: true)
            try await Self.signAndConfirm(browser.newVisitor(), email: "no-news@example.org", updates: false)
            let (token, otherToken) = try await Self.links(instance)

            let page = try await browser.get("/t/\(token)")
            #expect(page.status == .ok)
            #expect(page.body.contains("A private page for <strong>António Guterres</strong>"))
            #expect(page.headers[.xRobotsTag] == "noindex")

            let zip = try await browser.get("/t/\(token)/package.zip")
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            let file = instance.directory.appendingPathComponent("download.zip")
            try zip.bytes.write(to: file)
            #expect(
                Set(try Archive(url: file, accessMode: .read).map(\.path)) == [
                    "letter.html", "countries.csv", "signatures.csv", "manifest.json",
                ])

            // The form needs its token, and something to say.
            let forged = try await browser.post(
                "/t/\(token)/response", form: [("csrf", "forged"), ("response", "Hello")])
            #expect(forged.status == .forbidden)
            let csrf = try #require(page.field("csrf"))
            let empty = try await browser.post("/t/\(token)/response", form: [("csrf", csrf), ("response", "  ")])
            #expect(empty.status == .unprocessableContent)
            let text = "We have received the petition and will *answer* it.\n\n<script>alert(1)</script>"
            let sent = try await browser.post("/t/\(token)/response", form: [("csrf", csrf), ("response", text)])
            #expect(sent.status == .seeOther)
            #expect(
                try await browser.get(try #require(sent.location)).body.contains(
                    "It is waiting for the organization&#39;s review"))

            // The seed petition has no organization: the instance's admins are told, and review it.
            let told = try #require(try await browser.mailbox.waitForMessages(to: "admin@example.org").last)
            #expect(told.subject == "A response from António Guterres awaits your approval")
            let reviewPath = "/admin/petitions/\(TestInstance.seedSlug)/responses"
            #expect(told.raw.contains("http://undersigned.test\(reviewPath)"))
            #expect(!(try await browser.get(TestInstance.seedPath).body.contains("will <em>answer</em> it.")))
            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")
            let review = try await admin.get(reviewPath)
            #expect(!review.body.contains("<script>alert(1)</script>"))
            let approve = try #require(
                review.body.firstMatch(of: #/action="(/admin/petitions/[a-z0-9-]+/responses/[0-9a-f-]{36}/approve)"/#)?
                    .1)
            #expect(try await admin.submit(reviewPath, action: String(approve)).status == .seeOther)

            let petition = try await browser.get(TestInstance.seedPath)
            #expect(petition.body.contains("António Guterres responded on"))
            #expect(petition.body.contains("will <em>answer</em> it."))
            #expect(!petition.body.contains("<script>alert(1)</script>"))

            // Only the signer who asked for news hears of it, with a one-click unsubscribe.
            let news = try #require(
                try await browser.mailbox.waitForMessages(to: "wants-news@example.org", count: 3).last)
            #expect(news.subject.hasPrefix("António Guterres has responded"))
            #expect(news.raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
            #expect(browser.mailbox.messages(to: "no-news@example.org").count == 2)
            let unsubscribe = try #require(
                news.raw.firstMatch(of: /http:\/\/undersigned\.test(\/unsubscribe\/[A-Za-z0-9_-]+)/)?.1
            ).description
            #expect(try await browser.get(unsubscribe).body.contains("Unsubscribe from this petition&#39;s news"))
            let oneClick = try await browser.newVisitor().post(unsubscribe, body: "List-Unsubscribe=One-Click")
            #expect(oneClick.status == .ok && oneClick.body.contains("You are unsubscribed"))
            let signatureID = try #require(try Self.signatureID(unsubscribe, instance))
            let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            try await withServices(of: store) {
                let finished = try await store.unfinishedAnnouncements().isEmpty
                let wasSubscribed = try await store.unsubscribe(signatureID: signatureID)
                #expect(finished)
                #expect(!wasSubscribed)
            }

            // The other petition's link opens only that petition; a revoked or made-up link opens nothing.
            #expect(try await browser.get("/t/\(otherToken)").body.contains("Another petition"))
            #expect(try await browser.get("/t/\(otherToken)").body.contains("Act to end") == false)
            for path in ["/t/\(String(repeating: "A", count: 43))", "/t/x", "/t/\(String(repeating: "A", count: 200))"]
            {
                #expect(try await browser.get(path).status == .notFound)
            }
            try await Self.revoke(instance)
            #expect(try await browser.get("/t/\(token)").status == .notFound)
        }
    }

    static func signAndConfirm(_ browser: Browser, email: String, updates: Bool) async throws {
        #expect(try await browser.sign(email: email, updates: updates).status == .seeOther)
        let link = try #require(try await browser.mailbox.waitForMessages(to: email).first?.confirmationPath)
        #expect(try await browser.confirm(link).status == .seeOther)
        _ = try await browser.mailbox.waitForMessages(to: email, count: 2)
    }

    /// A link to the seed petition's third target, and one to another petition's first.
    static func links(_ instance: TestInstance) async throws -> (String, String) {
        let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
        var other = try SeedPetition.load(createdAt: Date())
        other.id = UUID()
        other.slug = "another-petition"
        other.title = "Another petition"
        let first = TargetLinks.newToken()
        let second = TargetLinks.newToken()
        try await withServices(of: store) {
            let seed = try #require(try await store.petition(slug: TestInstance.seedSlug))
            try await store.insert(other)
            try await store.insertTargetLink(
                petitionID: seed.id, targetPosition: 2, tokenHash: first.hash, at: Date(),
                audit: TargetLinks.event(.targetLinkCreated, seed, targetPosition: 2, by: nil, at: Date()))
            try await store.insertTargetLink(
                petitionID: other.id, targetPosition: 0, tokenHash: second.hash, at: Date(),
                audit: TargetLinks.event(.targetLinkCreated, other, targetPosition: 0, by: nil, at: Date()))
        }
        return (first.token, second.token)
    }

    static func revoke(_ instance: TestInstance) async throws {
        let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
        try await withServices(of: store) {
            let seed = try #require(try await store.petition(slug: TestInstance.seedSlug))
            #expect(
                try await store.revokeTargetLinks(
                    petitionID: seed.id, targetPosition: 2, at: Date(),
                    audit: TargetLinks.event(.targetLinksRevoked, seed, targetPosition: 2, by: nil, at: Date()))
                    == 1)
        }
    }

    static func signatureID(_ unsubscribePath: String, _ instance: TestInstance) throws -> UUID? {
        let secret = try ServerSecret.load(configured: nil, dataDirectory: instance.settings.dataDirectory)
        return LinkTokens(key: secret.key(for: .unsubscribeLink)).id(
            from: String(unsubscribePath.dropFirst("/unsubscribe/".count)))
    }
}
