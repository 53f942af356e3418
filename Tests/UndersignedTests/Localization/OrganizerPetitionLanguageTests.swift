import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// The organizers' petition pages, the confirmation step and the target's private page in
/// French and Arabic, as a visitor meets them over HTTP.
@Suite("Organizers' petition pages in the visitor's language")
struct OrganizerPetitionLanguageTests {
    static let french = Translations.bundled[.fr]
    static let arabic = Translations.bundled[.ar]

    /// A catalog text as the templates print it.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    @Test(
        "the editor, manage page, dashboard and deliveries in French by the browser's language, and in Arabic by ?lang=",
        arguments: TestDatabase.all)
    func petitionPages(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.newVisitor().signAndConfirm(email: "signer@example.org", slug: slug)
            let petition = "/org/acme/petitions/\(slug)"
            let french: HTTPFields = [.acceptLanguage: "fr-FR,fr;q=0.9"]
            let (fr, ar) = (Self.french, Self.arabic)

            let manage = try await browser.get(petition, headers: french)
            #expect(manage.body.contains(#"<html lang="fr" dir="ltr">"#))
            for text in [
                fr.text(.manageExplainOpen), fr.text("manage.next_steps"), fr.counted(.manageGoalLine, 500),
                fr.text(.manageGoalProgress, ["confirmed": fr.counted(.petitionCount, 1), "percent": "0"]),
                "Clore la pétition…", "<strong>Ouverte.</strong>",
            ] {
                #expect(manage.body.contains(Self.escaped(text)), "\(text)")
            }
            #expect(!manage.body.contains("Next steps"))

            let editor = try await browser.get("\(petition)/edit", headers: french)
            #expect(editor.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(editor.body.contains("<title>Modifier la pétition · "))
            #expect(editor.body.contains(Self.escaped(fr.text("editor.frozen"))))
            #expect(editor.body.contains(">Objectif (signatures)</label>"))
            // A problem is said in French too.
            let refused = try await browser.post(
                "\(petition)/edit",
                form: [("csrf", editor.field("csrf") ?? ""), ("summary", ""), ("goal", "0"), ("intent", "save")],
                headers: french)
            #expect(refused.status == .unprocessableContent)
            #expect(
                refused.body.contains(Self.escaped(fr.text(.editorErrorGoal, ["limit": "100\u{202F}000\u{202F}000"]))))

            let dashboard = try await browser.get("\(petition)/dashboard", headers: french)
            #expect(dashboard.body.contains(#"<html lang="fr" dir="ltr">"#))
            let today = InterfaceLanguage.fr.date(instance.clock.now)
            for text in [
                "Tableau de bord :", "<dt>confirmées</dt><dd>1</dd>", "elle est ouverte",
                "<desc id=\"chart-desc\">Signatures confirmées du \(today) au \(today) (UTC) : 1.",
                "<tr><td>\(today)</td><td>1</td></tr>", "Les mêmes chiffres sous forme de tableau",
            ] {
                #expect(dashboard.body.contains(text), "\(text)")
            }

            let deliveries = try await browser.get("\(petition)/deliveries", headers: french)
            #expect(deliveries.body.contains(#"<html lang="fr" dir="ltr">"#))
            for text in ["Pas encore remise.", "Enregistrer une remise", "<option value=\"in-person\">En main propre"] {
                #expect(deliveries.body.contains(text), "\(text)")
            }

            // ?lang=ar is remembered: the pages after it are Arabic, right to left.
            let arabicManage = try await browser.get("\(petition)?lang=ar")
            #expect(arabicManage.body.contains(#"<html lang="ar" dir="rtl">"#))
            for text in [ar.text("manage.next_steps"), ar.counted(.manageGoalLine, 500), ar.text(.manageExplainOpen)] {
                #expect(arabicManage.body.contains(text), "\(text)")
            }
            // The petition's own text keeps its language and direction.
            #expect(arabicManage.body.contains(#"<div lang="en" dir="ltr">"#))

            let arabicEditor = try await browser.get("\(petition)/edit")
            #expect(arabicEditor.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabicEditor.body.contains(ar.text("editor.summary.label")))
            #expect(arabicEditor.body.contains(ar.text("editor.preview.button")))

            let arabicDashboard = try await browser.get("\(petition)/dashboard")
            #expect(arabicDashboard.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabicDashboard.body.contains("لوحة المتابعة:"))
            #expect(
                arabicDashboard.body.contains(
                    "<tr><td>\(InterfaceLanguage.ar.date(instance.clock.now))</td><td>1</td></tr>"))
            #expect(arabicDashboard.body.contains(ar.text(.dashboardChartTitle)))

            let arabicDeliveries = try await browser.get("\(petition)/deliveries")
            #expect(arabicDeliveries.body.contains(#"<html lang="ar" dir="rtl">"#))
            for text in ["لم تُسلَّم بعد.", "تسجيل تسليم", ar.text("deliveries.revoke.open")] {
                #expect(arabicDeliveries.body.contains(text), "\(text)")
            }
            // Revoking asks first, in Arabic.
            let revoke = try await browser.post(
                "\(petition)/target-links",
                form: [("csrf", arabicDeliveries.field("csrf") ?? ""), ("target", "2"), ("intent", "revoke")])
            #expect(revoke.body.contains(ar.text(.deliveriesRevokeHeading, ["target": "António Guterres"])))
            #expect(revoke.body.contains(">إلغاء</a>"))
        }
    }

    @Test(
        "the confirmation step of an update says in Arabic, with the dual, to how many it goes; the copy is Arabic",
        arguments: TestDatabase.all)
    func updateInArabic(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let editor = try await instance.createAccount("editor@example.org")
        _ = try await instance.prepareOrganization("rivers", owner: editor, petitions: ["clean-rivers": .open])
        let updates = "/org/rivers/petitions/clean-rivers/updates"
        try await instance.run { browser in
            try await browser.signIn("editor@example.org")
            for email in ["one@example.org", "two@example.org"] {
                try await browser.newVisitor().signAndConfirm(email: email, on: "clean-rivers", updates: true)
            }
            let page = try await browser.get("\(updates)?lang=ar")
            #expect(page.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(page.body.contains("نشر خبر جديد"))

            let previewed = try await browser.submit(
                updates, [("subject", "التقينا الوزيرة"), ("body", "استمعت إلينا.")])
            #expect(previewed.status == .ok)
            #expect(previewed.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(previewed.body.contains("<h1>نشر هذا الخبر وإرساله إلى شخصين؟</h1>"))
            #expect(previewed.body.contains("نشره وإرساله إلى شخصين"))
            #expect(previewed.body.contains(Self.arabic.text(.updatesConfirmCopy)))

            let copied = try await browser.post(
                updates,
                form: [
                    ("csrf", previewed.field("csrf") ?? ""), ("subject", "التقينا الوزيرة"),
                    ("body", "استمعت إلينا."), ("intent", "copy"),
                ])
            #expect(copied.body.contains("نسخة في طريقها إلى editor@example.org"))
            let copy = try #require(try await browser.mailbox.waitForMessages(to: "editor@example.org").last)
            #expect(copy.subject.hasPrefix("[نسخة] التقينا الوزيرة — "))
            #expect(copy.raw.contains(Self.arabic.text(.updatesCopyNote)))

            // A problem is said in Arabic, its number written as Arabic writes it.
            let refused = try await browser.submit(updates, [("subject", ""), ("body", "")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(Self.arabic.text(.updatesErrorSubjectMissing)))
        }
    }

    @Test(
        "a French petition's target reads its private page in French unless it asks for another language",
        arguments: TestDatabase.all)
    func targetPageInFrench(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.createAccount("owner@example.org")
        let slug = try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let slug = try await browser.createPetition(
                in: "acme", Browser.petitionForm(title: "Des rivières propres", language: "fr"))
            #expect(try await browser.press("submit", petition: slug, in: "acme").status == .seeOther)
            return slug
        }
        try await instance.moderate(.approve, slug: slug)
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.newVisitor().signAndConfirm(email: "signer@example.org", slug: slug)
            let link = try await ResponseReviewTests.targetLink(owner, slug: slug, target: 1)
            let target = owner.newVisitor()

            let page = try await target.get(link)
            #expect(page.body.contains(#"<html lang="fr" dir="ltr">"#))
            for text in [
                "Une page privée pour <strong>Security Council</strong>, United Nations.",
                #"<strong class="count">1</strong> personne a signé cette pétition"#, "Votre réponse publique",
                "Envoyer ma réponse",
            ] {
                #expect(page.body.contains(text), "\(text)")
            }
            let empty = try await target.post(
                "\(link)/response", form: [("csrf", page.field("csrf") ?? ""), ("response", " ")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains(Self.escaped(Self.french.text(.targetErrorEmpty))))

            let arabic = try await target.get("\(link)?lang=ar")
            #expect(arabic.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.body.contains("ردّك العلني"))
        }
    }
}
