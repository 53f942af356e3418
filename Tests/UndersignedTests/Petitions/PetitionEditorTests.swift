import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Organizers write, submit, run and close petitions through the editor's pages.
@Suite("Petition editor and lifecycle")
struct PetitionEditorTests {
    static let arabicTitle = "أوقفوا العنف ضد أطفال سوريا"

    @Test(
        "a new petition with an Arabic title and two targets: draft, review, open, signed, amended, closed",
        arguments: TestDatabase.all)
    func lifecycle(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.createAccount("owner@example.org")
        let slug = try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Zero Impunity", slug: "zero-impunity")
            let slug = try await browser.createPetition(
                in: "zero-impunity",
                Browser.petitionForm(
                    title: Self.arabicTitle, summary: "تحقيق مستقل من الأمم المتحدة", body: "نطالب **بتحقيق** مستقل.",
                    language: "ar",
                    targets: [("مجلس الأمن", "الأمم المتحدة"), ("António Guterres", "Secretary-General")]))
            #expect(slug.hasPrefix("petition-"))

            // A draft: its organizers see it, nobody else does.
            let manage = try await browser.get("/org/zero-impunity/petitions/\(slug)")
            #expect(manage.status == .ok)
            #expect(manage.body.contains(Self.arabicTitle))
            #expect(manage.body.contains(#"lang="ar" dir="rtl""#))
            #expect(manage.body.contains("Draft."))
            #expect(manage.body.contains("مجلس الأمن"))
            #expect(try await browser.get("/org/zero-impunity").body.contains(Self.arabicTitle))
            let visitor = browser.newVisitor()
            #expect(try await visitor.get("/p/\(slug)").status == .notFound)
            #expect(try await visitor.get("/api/v1/petitions/\(slug)").status == .notFound)

            // Submitted, it waits for a moderator and is still not public.
            let submitted = try await browser.press("submit", petition: slug, in: "zero-impunity")
            #expect(submitted.location == "/org/zero-impunity/petitions/\(slug)?done=pending_review")
            #expect(try await visitor.get("/p/\(slug)").status == .notFound)
            #expect(try await browser.press("close", petition: slug, in: "zero-impunity").status == .conflict)
            return slug
        }
        try await instance.moderate(.approve, slug: slug)
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            let visitor = browser.newVisitor()
            let page = try await visitor.get("/p/\(slug)")
            #expect(page.status == .ok)
            #expect(page.body.contains(Self.arabicTitle))
            #expect(page.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(page.body.contains("<strong>بتحقيق</strong>"))
            // An Arabic petition's page speaks Arabic to a visitor who asked for no language.
            #expect(page.body.contains(Translations.bundled[.ar].text("petition.by", ["organizer": "Zero Impunity"])))

            let signed = try await visitor.sign(email: "signer@example.org", slug: slug)
            #expect(signed.status == .seeOther)
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "signer@example.org").last?.confirmationPath)
            #expect(try await visitor.confirm(link).status == .seeOther)
            #expect(try await visitor.apiCount(slug: slug) == 1)

            // The text people signed is fixed; the summary and goal are not.
            let edit = "/org/zero-impunity/petitions/\(slug)/edit"
            let form = try await browser.get(edit)
            #expect(form.body.contains("its title, text, language and targets are fixed"))
            #expect(!form.body.contains(#"name="title""#))
            let changed = try await browser.submit(
                edit, action: edit,
                Browser.petitionForm(
                    title: "Another title", summary: "A clearer summary.", body: "Another text.", goal: 2_000))
            #expect(changed.status == .seeOther)
            let petition = try #require(try await instance.petition(slug: slug))
            #expect(petition.title == Self.arabicTitle)
            #expect(petition.bodyMarkdown == "نطالب **بتحقيق** مستقل.")
            #expect(petition.targets.map(\.name) == ["مجلس الأمن", "António Guterres"])
            #expect(petition.summary == "A clearer summary.")
            #expect(petition.goal == 2_000)

            // Corrections are published as dated amendments under the text.
            let manage = "/org/zero-impunity/petitions/\(slug)"
            let amended = try await browser.submit(
                manage, action: "\(manage)/amendments",
                [("amendment", "The *second* target's title is Secretary-General.")])
            #expect(amended.status == .seeOther)
            // The petition is in Arabic, and so is its page unless the visitor asks for another language.
            let withAmendment = try await visitor.get("/p/\(slug)", headers: [.acceptLanguage: "en"])
            #expect(withAmendment.body.contains("Amended on"))
            #expect(withAmendment.body.contains("The <em>second</em> target"))

            // Closing stops signing with a clear message.
            #expect(
                try await browser.press("close", petition: slug, in: "zero-impunity").location
                    == "\(manage)?done=closed")
            let closed = try await visitor.get("/p/\(slug)", headers: [.acceptLanguage: "en"])
            #expect(closed.body.contains("This petition is closed"))
            #expect(!closed.body.contains(#"action="/p/\#(slug)/sign"#))
            let late = try await visitor.post(
                "/p/\(slug)/sign", form: [("csrf", closed.field("csrf") ?? ""), ("email", "late@example.org")])
            #expect(late.status == .conflict)
            #expect(try await visitor.apiCount(slug: slug) == 1)
            #expect(try await browser.press("close", petition: slug, in: "zero-impunity").status == .conflict)
        }
        let organization = try #require(try await instance.petition(slug: slug)?.organizationID)
        // The test's clock stands still, so the events' order is not asked for.
        #expect(
            Set(try await instance.auditActions(organizationID: organization)) == [
                .petitionClosed, .petitionAmended, .petitionEdited, .petitionApproved, .petitionSubmitted,
                .petitionCreated, .organizationCreated,
            ])
    }

    @Test(
        "a text over the limit is refused before it is rendered, in the editor and the translation editor",
        arguments: TestDatabase.all)
    func previewOverLimit(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let new = "/org/acme/petitions/new"
            let long = "**rendered** " + String(repeating: "a", count: 20_000)
            var form = Browser.petitionForm(title: "Too long", body: long)
            form.removeAll { $0.0 == "intent" }
            form.append(("intent", "preview"))
            let previewed = try await browser.submit(new, action: new, form)
            #expect(previewed.body.contains("at most 20,000 characters"))
            #expect(!previewed.body.contains("<strong>rendered</strong>"))

            // Within the limit, the same preview renders.
            form = form.map { $0.0 == "body" ? ($0.0, "**rendered** text") : $0 }
            #expect(try await browser.submit(new, action: new, form).body.contains("<strong>rendered</strong>"))

            let slug = try await browser.createPetition(in: "acme", Browser.petitionForm(title: "Free the press"))
            let translation = "/org/acme/petitions/\(slug)/translation"
            let translated = try await browser.submit(
                "\(translation)?language=fr", action: translation,
                [
                    ("language", "fr"), ("title", "Trop long"), ("summary", "Pourquoi."), ("body", long),
                    ("intent", "preview"),
                ])
            #expect(translated.body.contains("at most 20,000 characters"))
            #expect(!translated.body.contains("<strong>rendered</strong>"))
        }
    }

    @Test(
        "the editor previews without saving, keeps what was typed, orders and removes targets",
        arguments: TestDatabase.all)
    func editing(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let new = "/org/acme/petitions/new"

            var preview = Browser.petitionForm(
                title: "Free the press", body: "## Why\n\nBecause <script>alert(1)</script> **now**.")
            preview.removeAll { $0.0 == "intent" }
            preview.append(("intent", "preview"))
            let previewed = try await browser.submit(new, action: new, preview)
            #expect(previewed.status == .ok)
            #expect(previewed.body.contains("<strong>now</strong>"))
            #expect(!previewed.body.contains("<script>alert(1)"))
            #expect(previewed.body.contains(#"value="Free the press""#))
            #expect(try await browser.get("/org/acme").body.contains("No petition yet."))

            let invalid = try await browser.submit(
                new, action: new, Browser.petitionForm(title: "", summary: "Kept summary", goal: 0, targets: []))
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.body.contains("Please give the petition a title"))
            #expect(invalid.body.contains("The goal is a number"))
            #expect(invalid.body.contains("Please name at least one target"))
            #expect(invalid.body.contains("Kept summary"))

            let slug = try await browser.createPetition(in: "acme", Browser.petitionForm(title: "Free the press"))
            #expect(slug.hasPrefix("free-the-press-"))
            // Reordered, one removed, one added in a blank row.
            let edit = "/org/acme/petitions/\(slug)/edit"
            let form = try await browser.get(edit)
            #expect(form.body.contains(#"name="target-2-name""#))
            let saved = try await browser.submit(
                edit, action: edit,
                [
                    ("title", "Free the press now"), ("summary", "S"), ("body", "B"), ("language", "fr"),
                    ("goal", "10"), ("intent", "save"),
                    ("target-0-name", "Security Council"), ("target-0-order", "3"),
                    ("target-1-name", "António Guterres"), ("target-1-order", "1"), ("target-1-remove", "1"),
                    ("target-2-name", "Letitia Anderson"), ("target-2-role", "UN Action"), ("target-2-order", "2"),
                ])
            #expect(saved.status == .seeOther)
            let petition = try #require(try await instance.petition(slug: slug))
            #expect(petition.title == "Free the press now")
            #expect(petition.language == "fr")
            #expect(
                petition.targets == [
                    Target(name: "Letitia Anderson", role: "UN Action"), Target(name: "Security Council"),
                ])
            #expect(petition.state == .draft)
        }
    }

    @Test("with review optional, submitting opens the petition at once", arguments: TestDatabase.all)
    func reviewOptional(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in settings.petitionReview = .optional }
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let slug = try await browser.createPetition(in: "acme", Browser.petitionForm(title: "Clean rivers"))
            #expect(try await browser.get("/org/acme/petitions/\(slug)").body.contains("Open it for signatures"))
            let opened = try await browser.press("submit", petition: slug, in: "acme")
            #expect(opened.location == "/org/acme/petitions/\(slug)?done=open")
            #expect(try await browser.newVisitor().get("/p/\(slug)").status == .ok)
        }
    }

    @Test(
        "images: checked by their bytes, served with their type and cached by digest; bad uploads refused",
        arguments: TestDatabase.all)
    func images(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.createAccount("owner@example.org")
        let slug = try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let slug = try await browser.createPetition(in: "acme", Browser.petitionForm(title: "Clean rivers"))
            let manage = "/org/acme/petitions/\(slug)"
            let csrf = try #require(try await browser.get(manage).field("csrf"))
            let path = "\(manage)/image"

            let svg = try await browser.upload(
                path, fields: [("csrf", csrf)], file: ("image", "x.png", "image/png", TestImages.svg))
            #expect(svg.status == .unprocessableContent)
            #expect(svg.body.contains("must be a PNG, JPEG, WebP or GIF"))
            let huge = try await browser.upload(
                path, fields: [("csrf", csrf)],
                file: (
                    "image", "big.png", "image/png", TestImages.png() + [UInt8](repeating: 0, count: 3 * 1024 * 1024)
                ))
            #expect(huge.status == .contentTooLarge)
            let malformed = try await browser.send(
                path, method: .post, headers: [.contentType: "multipart/form-data; boundary=abc"],
                body: .init(string: "--abc\r\nnonsense"))
            #expect(malformed.status == .badRequest)
            let notMultipart = try await browser.post(path, form: [("csrf", csrf)])
            #expect(notMultipart.status == .badRequest)
            let forged = try await browser.upload(
                path, fields: [("csrf", "forged")], file: ("image", "a.png", "image/png", TestImages.png()))
            #expect(forged.status == .forbidden)
            let zero = try await browser.upload(
                path, fields: [("csrf", csrf)], file: ("image", "a.png", "image/png", TestImages.png(width: 0)))
            #expect(zero.status == .unprocessableContent)

            let uploaded = try await browser.upload(
                path, fields: [("csrf", csrf), ("alt", "A river at dawn")],
                file: ("image", "river.png", "image/png", TestImages.png(width: 640, height: 480)))
            #expect(uploaded.status == .seeOther)
            let page = try await browser.get(manage)
            #expect(page.body.contains(#"width="640" height="480" alt="A river at dawn""#))
            // Not public while a draft.
            #expect(try await browser.newVisitor().get("/p/\(slug)/image").status == .notFound)
            #expect(try await browser.press("submit", petition: slug, in: "acme").status == .seeOther)
            return slug
        }
        try await instance.moderate(.approve, slug: slug)
        try await instance.run { browser in
            let visitor = browser.newVisitor()
            let page = try await visitor.get("/p/\(slug)")
            let src = try #require(page.body.firstMatch(of: #/<img src="(/p/[^"]+)"/#)?.1)
            let image = try await visitor.get(String(src))
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/png")
            #expect(image.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(Array(image.bytes) == TestImages.png(width: 640, height: 480))
            let etag = try #require(image.headers[.eTag])
            #expect(try await visitor.get(String(src), headers: [.ifNoneMatch: etag]).status == .notModified)
        }
    }

    @Test("another organization's petitions are out of reach, whatever the route", arguments: TestDatabase.all)
    func otherOrganizations(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.createAccount("intruder@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let slug = try await browser.createPetition(in: "acme", Browser.petitionForm(title: "Clean rivers"))
            let intruder = browser.newVisitor()
            try await intruder.signIn("intruder@example.org")
            try await intruder.createOrganization("Elsewhere", slug: "elsewhere")
            // Its own organization in the address, someone else's petition after it.
            for path in [
                "/org/elsewhere/petitions/\(slug)", "/org/elsewhere/petitions/\(slug)/edit",
                "/org/acme/petitions/\(slug)",
            ] {
                #expect(try await intruder.get(path).status == .notFound, "\(path)")
            }
            let form = try await intruder.get("/org/elsewhere/petitions/new")
            for action in ["edit", "submit", "close", "amendments", "image/remove"] {
                let page = try await intruder.post(
                    "/org/elsewhere/petitions/\(slug)/\(action)", form: [("csrf", form.field("csrf") ?? "")])
                #expect(page.status == .notFound, "\(action)")
            }
            #expect(try await instance.petition(slug: slug)?.state == .draft)
        }
    }

    @Test(
        "the seed petition handed to its campaign's organization is run from its pages, its text frozen",
        arguments: TestDatabase.all)
    func assignedSeed(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Zero Impunity", slug: "zero-impunity")
            #expect(try await browser.get("/org/zero-impunity/petitions/\(TestInstance.seedSlug)").status == .notFound)
        }
        let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
        try await withServices(of: store) {
            let seed = try #require(try await store.petition(slug: TestInstance.seedSlug))
            let organization = try #require(try await store.organization(slug: "zero-impunity"))
            try await PetitionEditor(store: store, review: .required).assign(seed.id, to: organization)
        }
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            let manage = try await browser.get("/org/zero-impunity/petitions/\(TestInstance.seedSlug)")
            #expect(manage.status == .ok)
            #expect(manage.body.contains("Open."))
            #expect(manage.body.contains("Close the petition"))
            #expect(
                try await browser.get("/org/zero-impunity/petitions/\(TestInstance.seedSlug)/edit").body.contains(
                    "are fixed"))
            #expect(
                try await browser.newVisitor().get(TestInstance.seedPath).body.contains("A petition by Zero Impunity"))
        }
        #expect(try await instance.auditActions().contains(.petitionAssigned))
    }

    @Test(
        "translations: written beside the original, chosen by link or by the browser's languages, frozen once open",
        arguments: TestDatabase.all)
    func translations(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.createAccount("owner@example.org")
        let slug = try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let slug = try await browser.createPetition(
                in: "acme", Browser.petitionForm(title: "Clean rivers", body: "Rivers **now**."))
            let manage = "/org/acme/petitions/\(slug)"
            let page = try await browser.get(manage)
            #expect(page.body.contains(#"<option value="fr">Français</option>"#))
            #expect(!page.body.contains(#"<option value="en">"#))

            let form = try await browser.get("\(manage)/translation?language=fr")
            #expect(form.status == .ok)
            #expect(form.body.contains("Rivers <strong>now</strong>."))
            let invalid = try await browser.submit(
                "\(manage)/translation?language=fr", action: "\(manage)/translation",
                [("language", "fr"), ("title", ""), ("summary", "Résumé")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.body.contains("Résumé"))
            for (language, title, body) in [
                ("fr", "Des rivières propres", "Des rivières **maintenant**."),
                ("ar", "أنهار نظيفة", "أنهار **الآن**."),
            ] {
                let saved = try await browser.submit(
                    "\(manage)/translation?language=\(language)", action: "\(manage)/translation",
                    [("language", language), ("title", title), ("summary", "…"), ("body", body), ("intent", "save")])
                #expect(saved.status == .seeOther)
            }
            #expect(try await browser.get("\(manage)/translation?language=en").status == .notFound)
            #expect(try await browser.press("submit", petition: slug, in: "acme").status == .seeOther)
            return slug
        }
        try await instance.moderate(.approve, slug: slug)
        try await instance.run { browser in
            let visitor = browser.newVisitor()
            let original = try await visitor.get("/p/\(slug)")
            #expect(original.body.contains(#"<h1 lang="en" dir="ltr">Clean rivers</h1>"#))
            #expect(original.body.contains(#"href="/p/\#(slug)?lang=fr" lang="fr""#))
            #expect(original.headers[.vary] == "Accept-Language, Cookie")

            let french = try await visitor.get("/p/\(slug)", headers: [.acceptLanguage: "de;q=0.9, fr-CH, en;q=0.5"])
            #expect(french.body.contains(#"<h1 lang="fr" dir="ltr">Des rivières propres</h1>"#))
            #expect(french.body.contains("Des rivières <strong>maintenant</strong>."))
            #expect(french.headers[.contentLanguage] == "fr")
            #expect(french.body.contains(#"<html lang="fr" dir="ltr">"#))

            let arabic = try await visitor.get("/p/\(slug)?lang=ar", headers: [.acceptLanguage: "fr"])
            #expect(arabic.body.contains(#"<h1 lang="ar" dir="rtl">أنهار نظيفة</h1>"#))
            #expect(arabic.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.formAction == "/p/\(slug)/sign?lang=ar")
            // Signing from it keeps the language of the page on a form error.
            let refused = try await visitor.post(
                try #require(arabic.formAction),
                form: [("csrf", arabic.field("csrf") ?? ""), ("email", "not an address")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(#"<h1 lang="ar" dir="rtl">أنهار نظيفة</h1>"#))

            // Open: what people read in a language is fixed, but a new language may be added.
            let owner = browser.newVisitor()
            try await owner.signIn("owner@example.org")
            let manage = "/org/acme/petitions/\(slug)"
            #expect(try await owner.get("\(manage)/translation?language=fr").body.contains("its translation is fixed"))
            let changed = try await owner.submit(
                manage, action: "\(manage)/translation",
                [("language", "fr"), ("title", "Autre"), ("summary", "…"), ("body", "Autre."), ("intent", "save")])
            #expect(changed.status == .conflict)
            let added = try await owner.submit(
                manage, action: "\(manage)/translation",
                [("language", "es"), ("title", "Ríos limpios"), ("summary", "…"), ("body", "Ya."), ("intent", "save")])
            #expect(added.status == .seeOther)
            #expect(
                try await owner.submit(manage, action: "\(manage)/translation/remove", [("language", "fr")]).status
                    == .conflict)
            // Added to an open petition, it waits for a moderator before anyone reads it.
            let petition = try #require(try await instance.petition(slug: slug))
            #expect(petition.translations.map(\.language) == ["ar", "fr"])
            #expect(petition.translationsAwaitingReview.map(\.language) == ["es"])
        }
    }
}
