import Foundation
import Testing

@testable import Undersigned

/// Text added to a public petition is read by a moderator before the public reads it, like
/// the petition's own text; and what moderators approve, they see whole, picture included.
@Suite("Translations and pictures under review")
struct TranslationReviewTests {
    @Test(
        "a translation added to an open petition is public only once a moderator approves it",
        arguments: TestDatabase.all)
    func reviewedTranslation(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.run { browser in
            let owner = browser.newVisitor()
            try await owner.signIn("owner@example.org")
            let manage = "/org/acme/petitions/\(slug)"
            let spanish = [
                ("language", "es"), ("title", "Ríos limpios"), ("summary", "Ahora."), ("body", "Ríos **ya**."),
                ("intent", "save"),
            ]
            #expect(try await owner.submit(manage, action: "\(manage)/translation", spanish).status == .seeOther)
            #expect(try await owner.get(manage).body.contains("waiting for a moderator: not public yet"))

            let visitor = browser.newVisitor()
            for page in [
                try await visitor.get("/p/\(slug)?lang=es"),
                try await visitor.get("/p/\(slug)", headers: [.acceptLanguage: "es"]),
            ] {
                #expect(page.body.contains(#"<h1 lang="en" dir="ltr">Clean rivers</h1>"#))
                #expect(!page.body.contains("Ríos limpios"))
            }

            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")
            let queue = try await admin.get("/admin/review")
            #expect(queue.body.contains("Translations waiting for review"))
            #expect(queue.body.contains("/admin/petitions/\(slug)#translations"))
            let review = "/admin/petitions/\(slug)"
            let page = try await admin.get(review)
            #expect(page.body.contains("Ríos <strong>ya</strong>."))
            let noReason = try await admin.submit(review, action: "\(review)/translations/es/reject", [("reason", " ")])
            #expect(noReason.status == .unprocessableContent)
            let rejected = try await admin.submit(
                review, action: "\(review)/translations/es/reject", [("reason", "The summary is not a translation.")])
            #expect(rejected.status == .seeOther)
            let told = try await browser.mailbox.waitForMessages(to: "owner@example.org", count: 1)
            #expect(
                told.contains {
                    $0.subject.hasPrefix("Translation not approved: ")
                        && $0.raw.contains("The summary is not a translation.")
                })
            #expect(try await instance.petition(slug: slug)?.translationsAwaitingReview.isEmpty == true)
            #expect(try await admin.submit(review, action: "\(review)/translations/es/approve").status == .conflict)

            #expect(try await owner.submit(manage, action: "\(manage)/translation", spanish).status == .seeOther)
            #expect(try await admin.submit(review, action: "\(review)/translations/es/approve").status == .seeOther)
            let published = try await visitor.get("/p/\(slug)?lang=es")
            #expect(published.body.contains(#"<h1 lang="es" dir="ltr">Ríos limpios</h1>"#))
            // Once approved, people may sign in it: it is as fixed as the rest.
            #expect(
                try await owner.submit(
                    manage, action: "\(manage)/translation", spanish.map { $0.0 == "title" ? ($0.0, "Otro") : $0 }
                ).status == .conflict)
        }
        let actions = try await instance.auditActions()
        #expect(actions.contains(.petitionTranslationRejected))
        #expect(actions.contains(.petitionTranslationApproved))
    }

    @Test("a translation may not be in the petition's own language or a variant of it", arguments: TestDatabase.all)
    func noVariantOfTheOriginal(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            let slug = try await browser.ownersDraft()
            let manage = "/org/acme/petitions/\(slug)"
            for language in ["en-us", "en-GB", "EN"] {
                #expect(
                    try await browser.get("\(manage)/translation?language=\(language)").status == .notFound,
                    "\(language)")
                let saved = try await browser.submit(
                    manage, action: "\(manage)/translation",
                    [
                        ("language", language), ("title", "Clean rivers, truly"), ("summary", "Now."),
                        ("body", "Other text."), ("intent", "save"),
                    ])
                #expect(saved.status == .unprocessableContent, "\(language)")
            }
            #expect(
                try await instance.petition(slug: slug).map { $0.translations + $0.translationsAwaitingReview }?.isEmpty
                    == true)
        }
    }

    @Test("members and moderators see a draft's picture; the public does not", arguments: TestDatabase.all)
    func draftPicture(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.createAccount("owner@example.org")
        try await instance.createAccount("outsider@example.org")
        try await instance.run { browser in
            let slug = try await browser.ownersDraft()
            let manage = "/org/acme/petitions/\(slug)"
            let csrf = try #require(try await browser.get(manage).field("csrf"))
            let picture = TestImages.png(width: 640, height: 480)
            #expect(
                try await browser.upload(
                    "\(manage)/image", fields: [("csrf", csrf)], file: ("image", "a.png", "image/png", picture)
                ).status == .seeOther)

            let src = try #require(try await browser.get(manage).body.firstMatch(of: #/<img src="([^"]+)"/#)?.1)
            #expect(src.hasPrefix("\(manage)/image?v="))
            let own = try await browser.get(String(src))
            #expect(own.status == .ok)
            #expect(Array(own.bytes) == picture)
            #expect(own.headers[.cacheControl] == "private, no-cache")

            #expect(try await browser.newVisitor().get("/p/\(slug)/image").status == .notFound)
            #expect(try await browser.newVisitor().get(String(src)).status != .ok)
            let outsider = browser.newVisitor()
            try await outsider.signIn("outsider@example.org")
            #expect(try await outsider.get(String(src)).status == .notFound)
            #expect(try await outsider.get("/admin/petitions/\(slug)/image").status == .forbidden)

            #expect(try await browser.press("submit", petition: slug, in: "acme").status == .seeOther)
            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")
            let queue = try await admin.get("/admin/review")
            let queued = try #require(queue.body.firstMatch(of: #/<img src="(/admin/petitions/[^"]+)"/#)?.1)
            #expect(Array(try await admin.get(String(queued)).bytes) == picture)
            let moderation = try await admin.get("/admin/petitions/\(slug)")
            #expect(moderation.body.contains(#"<img src="/admin/petitions/\#(slug)/image?v="#))
        }
    }
}
