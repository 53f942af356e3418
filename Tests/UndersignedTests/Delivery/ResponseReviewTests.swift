import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// A target's response waits for the organization: a leaked link can neither publish in the
/// target's name nor email every subscriber, and it cannot bury the organizers either.
@Suite("Targets' responses wait for the organization's review")
struct ResponseReviewTests {
    @Test(
        "a response is published and announced only once an organizer approves it; a rejected one never is",
        arguments: TestDatabase.all)
    func approval(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.createAccount("viewer@example.org")
        try await instance.run { owner in
            try await owner.newVisitor().signAndConfirm(email: "wants-news@example.org", on: slug, updates: true)
            try await owner.signIn("owner@example.org")
            let viewer = owner.newVisitor()
            try await viewer.signIn("viewer@example.org")
            let invitation = try await owner.invite("viewer@example.org", role: .viewer, to: "acme")
            #expect(try await viewer.submit(invitation, action: "\(invitation)/accept").status == .seeOther)
            let link = try await Self.targetLink(owner, slug: slug, target: 2)
            let target = owner.newVisitor()

            let page = try await target.get(link)
            #expect(page.body.contains("published on the petition&#39;s page once the organization has reviewed it"))
            let sent = try await target.post(
                "\(link)/response", form: [("csrf", page.field("csrf") ?? ""), ("response", "We *will* act.")])
            #expect(sent.status == .seeOther)
            let after = try await target.get(try #require(sent.location))
            #expect(after.body.contains("waiting for the organization&#39;s review"))
            #expect(!(try await owner.newVisitor().get("/p/\(slug)").body.contains("We <em>will</em> act.")))

            // The owners are told at once; the signers not yet.
            let told = try #require(
                try await owner.mailbox.waitForMessages(to: "owner@example.org").last {
                    $0.subject.contains("awaits your approval")
                })
            #expect(told.subject.contains("António Guterres"))
            let reviewPath = "/org/acme/petitions/\(slug)/responses"
            #expect(told.raw.contains("http://undersigned.test\(reviewPath)"))
            try await owner.waitUntilNewsIsSent()
            #expect(owner.mailbox.messages(to: "wants-news@example.org").count == 2)

            // Listed for review, and linked from the petition's page; a viewer may read the petition but not decide.
            #expect(try await owner.get("/org/acme/petitions/\(slug)").body.contains(#"href="\#(reviewPath)""#))
            let review = try await owner.get(reviewPath)
            #expect(review.status == .ok)
            #expect(review.body.contains("We <em>will</em> act."))
            let approve = try #require(
                review.body.firstMatch(
                    of: #/action="(/org/acme/petitions/[a-z0-9-]+/responses/[0-9a-f-]{36}/approve)"/#)?.1)
            #expect(try await viewer.submit(reviewPath, action: String(approve)).status == .forbidden)
            #expect(try await owner.post(String(approve), form: [("csrf", "forged")]).status == .forbidden)
            #expect(!(try await owner.newVisitor().get("/p/\(slug)").body.contains("We <em>will</em> act.")))

            #expect(try await owner.submit(reviewPath, action: String(approve)).status == .seeOther)
            #expect(try await owner.newVisitor().get("/p/\(slug)").body.contains("We <em>will</em> act."))
            let news = try #require(
                try await owner.mailbox.waitForMessages(to: "wants-news@example.org", count: 3).last)
            #expect(news.subject.hasPrefix("António Guterres has responded"))
            // Deciding twice does nothing more (the form's token taken from another page, since none is left to decide).
            #expect(try await owner.submit("/account", action: String(approve)).status == .conflict)

            // A rejected response is never shown nor sent.
            let second = try await target.get(link)
            #expect(
                try await target.post(
                    "\(link)/response", form: [("csrf", second.field("csrf") ?? ""), ("response", "Spam from a leak.")]
                ).status == .seeOther)
            let reject = try #require(
                try await owner.get(reviewPath).body.firstMatch(
                    of: #/action="(/org/acme/petitions/[a-z0-9-]+/responses/[0-9a-f-]{36}/reject)"/#)?.1)
            #expect(try await owner.submit(reviewPath, action: String(reject)).status == .seeOther)
            #expect(!(try await owner.newVisitor().get("/p/\(slug)").body.contains("Spam from a leak.")))
            try await owner.waitUntilNewsIsSent()
            #expect(owner.mailbox.messages(to: "wants-news@example.org").count == 3)

            let audit = try await owner.get("/org/acme/audit").body
            for action in ["response.received", "response.approved", "response.rejected"] {
                #expect(audit.contains(action), "\(action)")
            }
        }
    }

    @Test(
        "a target's link holds at most 3 responses waiting and 5 a day; beyond, a clear 429",
        arguments: TestDatabase.all)
    func limits(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            let link = try await Self.targetLink(owner, slug: slug, target: 1)
            let target = owner.newVisitor()
            func respond(_ text: String) async throws -> Browser.Page {
                let page = try await target.get(link)
                return try await target.post(
                    "\(link)/response", form: [("csrf", page.field("csrf") ?? ""), ("response", text)])
            }
            for index in 1...3 {
                #expect(try await respond("Response \(index)").status == .seeOther)
            }
            let fourth = try await respond("Response 4")
            #expect(fourth.status == .tooManyRequests)
            #expect(fourth.body.contains("3 responses are already waiting"))
            #expect(fourth.body.contains("Response 4"), "the draft is kept")

            // Decided ones leave room, up to 5 a day.
            let reviewPath = "/org/acme/petitions/\(slug)/responses"
            for _ in 1...3 {
                let reject = try #require(
                    try await owner.get(reviewPath).body.firstMatch(
                        of: #/action="(/org/acme/petitions/[a-z0-9-]+/responses/[0-9a-f-]{36}/reject)"/#)?.1)
                #expect(try await owner.submit(reviewPath, action: String(reject)).status == .seeOther)
            }
            #expect(try await respond("Response 4").status == .seeOther)
            #expect(try await respond("Response 5").status == .seeOther)
            let sixth = try await respond("Response 6")
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.headers[.retryAfter] != nil)
            #expect(sixth.body.contains("5 responses a day"))

            instance.clock.advance(by: 24 * 3600 + 1)
            #expect(try await respond("Response 6").status == .seeOther)
        }
    }

    /// The owner makes a private link for the petition's target number `target`; returns its path.
    static func targetLink(_ owner: Browser, slug: String, target: Int) async throws -> String {
        let made = try await owner.submit(
            "/org/acme/petitions/\(slug)/deliveries", action: "/org/acme/petitions/\(slug)/target-links",
            [("target", String(target)), ("intent", "create")])
        #expect(made.status == .ok)
        return String(try #require(made.body.firstMatch(of: #/http://undersigned\.test(/t/[A-Za-z0-9_-]{43})/#)?.1))
    }
}
