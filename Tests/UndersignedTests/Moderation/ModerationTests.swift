import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// The moderators' side through HTTP, on every database: the review queue, approving,
/// rejecting and taking down, with the owners' emails and the audit log.
@Suite("Moderating petitions")
struct ModerationTests {
    @Test(
        "a petition waiting for review is in the queue with its text, is not public, and opens when a moderator approves it",
        arguments: TestDatabase.all)
    func approve(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", name: "Rania Moderator", admin: true)
        try await instance.createAccount("owner@example.org", name: "Olfa Owner")
        let slug = try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Acme", slug: "acme")
            let slug = try await owner.submitArabicPetition(in: "acme")
            #expect(try await instance.petition(slug: slug)?.state == .pendingReview)

            // Waiting for review, it is not public: a 404, as if it did not exist.
            let visitor = owner.newVisitor()
            #expect(try await visitor.get("/p/\(slug)").status == .notFound)
            #expect(try await visitor.get("/api/v1/petitions/\(slug)").status == .notFound)
            #expect(try await visitor.get("/p/\(slug)/report").status == .notFound)

            let admin = owner.newVisitor()
            try await admin.signIn("admin@example.org")
            #expect(try await admin.get("/account").body.contains(#"href="/admin/review""#))
            let queue = try await admin.get("/admin/review")
            #expect(queue.status == .ok)
            #expect(queue.body.contains(#"lang="ar" dir="rtl">\#(TestInstance.arabicTitle)</a>"#))
            #expect(queue.body.contains("By Acme"))
            #expect(queue.body.contains("António Guterres") && queue.body.contains("Letitia Anderson"))
            #expect(queue.body.contains("ملخص العريضة"))
            #expect(queue.body.contains(#"href="/admin/petitions/\#(slug)""#))

            // The preview shows the body as the public page renders it: Markdown, sanitised.
            let preview = try await admin.get("/admin/petitions/\(slug)")
            #expect(preview.status == .ok)
            #expect(preview.body.contains("<strong>an independent investigation</strong>"))
            #expect(preview.body.contains("Second paragraph."))
            #expect(!preview.body.contains("<script>alert"))
            // The petition's own words keep its language; the page's are the moderator's.
            #expect(preview.body.contains(#"<h1 lang="ar" dir="rtl">\#(TestInstance.arabicTitle)</h1>"#))

            let approved = try await admin.moderate(slug, "approve", from: "queue")
            #expect(approved.status == .seeOther)
            #expect(approved.location == "/admin/review?done=approved")
            let after = try await admin.get("/admin/review?done=approved")
            #expect(after.body.contains("The petition is open."))
            #expect(!after.body.contains(TestInstance.arabicTitle))

            // Open: public, signable, reportable.
            let page = try await visitor.get("/p/\(slug)")
            #expect(page.status == .ok)
            #expect(page.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(page.body.contains(#"href="/p/\#(slug)/report""#))
            #expect(try await visitor.sign(email: "first.signer@example.org", slug: slug).status == .seeOther)

            // Approving twice is refused with a page, not an error.
            let again = try await admin.moderate(slug, "approve")
            #expect(again.status == .conflict)
            #expect(again.body.contains("This cannot be done to a petition that is open."))

            let emails = try await owner.mailbox.waitForMessages(to: "owner@example.org")
            #expect(emails.count == 1)
            #expect(emails[0].subject == "Your petition is open: \(TestInstance.arabicTitle)")
            #expect(emails[0].raw.contains("http://undersigned.test/p/\(slug)"))

            // The owners read who approved it in their audit log.
            let log = try await owner.get("/org/acme/audit")
            #expect(log.body.contains("petition.approved"))
            #expect(log.body.contains("Rania Moderator"))
            return slug
        }
        let petition = try #require(try await instance.petition(slug: slug))
        #expect(petition.state == .open)
        #expect(petition.stateReason == nil)
        let approval = try #require(try await instance.auditEvents().first { $0.event.action == .petitionApproved })
        #expect(approval.actorName == "Rania Moderator")
        #expect(approval.event.subjectID == petition.id.text)
        #expect(approval.organizationSlug == "acme")
        #expect(approval.event.details == "pending_review → open")
    }

    @Test(
        "rejecting needs a reason, sends the petition back to draft with it, and tells the owners",
        arguments: TestDatabase.all)
    func reject(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", name: "Rania Moderator", admin: true)
        try await instance.createAccount("owner@example.org", name: "Olfa Owner")
        try await instance.createAccount("co-owner@example.org", name: "Samir Owner")
        try await instance.createAccount("editor@example.org", name: "Edi Editor")
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Acme", slug: "acme")
            var members: [Browser] = []
            for (email, role) in [("co-owner@example.org", OrganizationRole.owner), ("editor@example.org", .editor)] {
                let link = try await owner.invite(email, role: role, to: "acme")
                let member = owner.newVisitor()
                try await member.signIn(email)
                #expect(try await member.submit(link, action: "\(link)/accept").status == .seeOther)
                members.append(member)
            }
            let editor = members[1]
            let slug = try await editor.submitArabicPetition(in: "acme")
            let admin = owner.newVisitor()
            try await admin.signIn("admin@example.org")

            for blank in [nil, "   "] {
                let refused = try await admin.moderate(slug, "reject", reason: blank)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.body.contains("Please give a reason"))
            }
            let tooLong = try await admin.moderate(slug, "reject", reason: String(repeating: "x", count: 1_001))
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.body.contains("1,000 characters"))
            #expect(try await instance.petition(slug: slug)?.state == .pendingReview)

            let reason = "The text names a private person. Please remove the name and submit it again."
            let rejected = try await admin.moderate(slug, "reject", reason: reason)
            #expect(rejected.status == .seeOther)
            #expect(rejected.location == "/admin/petitions/\(slug)?done=rejected")
            let stored = try #require(try await instance.petition(slug: slug))
            #expect(stored.state == .draft)
            #expect(stored.stateReason == reason)
            let page = try await admin.get("/admin/petitions/\(slug)?done=rejected")
            #expect(page.body.contains("Reason given to the organization"))
            #expect(page.body.contains("The text names a private person."))
            #expect(!(try await admin.get("/admin/review").body.contains(TestInstance.arabicTitle)))

            // The organization reads the reason on the petition's page.
            let managed = try await editor.get("/org/acme/petitions/\(slug)")
            #expect(managed.body.contains("The moderator&#39;s reason: The text names a private person."))

            // A draft is not public either, and cannot be approved.
            #expect(try await owner.newVisitor().get("/p/\(slug)").status == .notFound)
            #expect(try await admin.moderate(slug, "approve").status == .conflict)

            // Both owners are told, with the reason, and so is the editor who submitted it (the
            // co-owner and the editor also had the invitation).
            for (address, count) in [("owner@example.org", 1), ("co-owner@example.org", 2), ("editor@example.org", 2)] {
                let emails = try await owner.mailbox.waitForMessages(to: address, count: count)
                let email = try #require(emails.first { $0.subject.hasPrefix("Your petition needs changes") })
                #expect(email.subject == "Your petition needs changes: \(TestInstance.arabicTitle)")
                #expect(email.raw.contains(reason))
                #expect(email.raw.contains("http://undersigned.test/org/acme/petitions/\(slug)"))
            }
        }
        let rejection = try #require(try await instance.auditEvents().first { $0.event.action == .petitionRejected })
        #expect(rejection.actorName == "Rania Moderator")
        #expect(rejection.event.details.contains("reason: The text names a private person."))
        #expect(rejection.organizationSlug == "acme")
    }

    @Test(
        "a taken-down petition answers 410 with its reason, on pages and in the API; confirming is refused, withdrawing still works",
        arguments: TestDatabase.all)
    func takeDown(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", name: "Rania Moderator", admin: true)
        let reason = "This petition was found to be a copy of another campaign, made to collect addresses."
        let (targetLink, _) = try await TargetTests.links(instance)
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "counted@example.org")
            #expect(try await browser.sign(email: "pending@example.org").status == .seeOther)
            let pendingLink = try #require(
                try await browser.mailbox.waitForMessages(to: "pending@example.org").last?.confirmationPath)
            let withdrawalLink = try #require(
                try await browser.mailbox.waitForMessages(to: "counted@example.org", count: 2).last?.withdrawalPath)

            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")
            #expect(
                try await admin.moderate(TestInstance.seedSlug, "take-down", reason: "  ").status
                    == .unprocessableContent)
            let takenDown = try await admin.moderate(TestInstance.seedSlug, "take-down", reason: reason)
            #expect(takenDown.status == .seeOther)
            #expect(try await admin.get("/admin/petitions/\(TestInstance.seedSlug)").body.contains("Public reason"))

            let visitor = browser.newVisitor()
            let tombstone = try await visitor.get(TestInstance.seedPath)
            #expect(tombstone.status == .gone)
            #expect(tombstone.body.contains("This petition has been taken down"))
            #expect(tombstone.body.contains("Act to end the Assad regime"))
            #expect(tombstone.body.contains(reason))
            #expect(tombstone.body.contains(InterfaceLanguage.en.date(instance.clock.now)))
            #expect(!tombstone.body.contains(#"class="count""#))
            #expect(!tombstone.body.contains("independent"))
            #expect(!tombstone.body.contains(#"name="email""#))
            #expect(!tombstone.body.contains("Sign this petition"))
            for path in ["/countries", "/check-email", "/receipt", "/report"] {
                #expect(try await visitor.get(TestInstance.seedPath + path).status == .gone, "\(path)")
            }
            #expect(!(try await visitor.get("/").body.contains(TestInstance.seedPath)))

            let api = try await visitor.get("/api/v1/petitions/\(TestInstance.seedSlug)")
            #expect(api.status == .gone)
            #expect(api.headers[.contentType] == "application/problem+json")
            struct Problem: Decodable {
                var status: Int
                var title: String
                var reason: String
                var takenDownAt: String?
            }
            let problem = try JSONDecoder().decode(Problem.self, from: Data(api.body.utf8))
            #expect(problem.status == 410)
            #expect(problem.reason == reason)
            #expect(problem.takenDownAt != nil)
            for path in ["/countries", "/log", "/receipts/abc"] {
                #expect(
                    try await visitor.get("/api/v1/petitions/\(TestInstance.seedSlug)\(path)").status == .gone,
                    "\(path)")
            }

            // Its targets' links show the tombstone too.
            let target = try await visitor.get("/t/\(targetLink)")
            #expect(target.status == .gone)
            #expect(target.body.contains(reason))

            // Signing is refused with the tombstone.
            let signed = try await visitor.post(
                "\(TestInstance.seedPath)/sign",
                form: [("name", "Late"), ("email", "late@example.org"), ("country", "SY")])
            #expect(signed.status == .gone)

            // A pending signature can no longer be confirmed: the link says why, and so does its button.
            let opened = try await browser.get(pendingLink)
            #expect(opened.status == .gone)
            #expect(opened.body.contains("can no longer be confirmed"))
            #expect(opened.body.contains(reason))

            // A counted signer may still withdraw, which erases their name and address.
            let withdrawPage = try await browser.get(withdrawalLink)
            #expect(withdrawPage.status == .ok)
            let withdrawn = try await browser.post(
                withdrawalLink, form: [("csrf", try #require(withdrawPage.field("csrf")))])
            #expect(withdrawn.status == .seeOther)
            let done = try await browser.get(withdrawalLink)
            #expect(done.body.contains("Your signature is withdrawn"))
            #expect(!done.body.contains("sign again"))

            // Taking down twice is refused.
            let twice = try await admin.moderate(TestInstance.seedSlug, "take-down", reason: reason)
            #expect(twice.status == .conflict, "\(twice.status) \(twice.body)")
        }
        let stored = try #require(try await instance.petition(slug: TestInstance.seedSlug))
        #expect(stored.state == .takenDown)
        #expect(stored.stateReason == reason)
        let event = try #require(try await instance.auditEvents().first { $0.event.action == .petitionTakenDown })
        #expect(event.actorName == "Rania Moderator")
        #expect(event.event.details.contains("open → taken_down"))
    }

    @Test(
        "a confirmation button pressed after a take-down, on a page opened before it, counts nothing",
        arguments: TestDatabase.all)
    func confirmAfterTakeDown(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.run { browser in
            #expect(try await browser.sign(email: "late.confirmer@example.org").status == .seeOther)
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "late.confirmer@example.org").last?.confirmationPath)
            let page = try await browser.get(link)
            #expect(page.status == .ok)

            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")
            #expect(try await admin.moderate(TestInstance.seedSlug, "take-down", reason: "Spam.").status == .seeOther)

            let pressed = try await browser.post(link, form: [("csrf", try #require(page.field("csrf")))])
            #expect(pressed.status == .gone)
            #expect(pressed.body.contains("can no longer be confirmed"))
        }
        let petition = try #require(try await instance.petition(slug: TestInstance.seedSlug))
        let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
        var count = -1
        try await withServices(of: store) { count = try await store.signatureCount(petitionID: petition.id) }
        #expect(count == 0)
    }
}
