import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Accounts, organizations and their emails in English, French and Arabic: the pages follow
/// the visitor's language, and each account's emails the language it signed in with or chose.
@Suite("Accounts and organizations in the interface's languages")
struct AccountLanguageTests {
    static let french = Translations.bundled[.fr]
    static let arabic = Translations.bundled[.ar]

    @Test(
        "a member who chose Arabic is told in Arabic while another is told in English; a first sign-in records the language, later ones keep it",
        arguments: TestDatabase.all)
    func noticesInEachMembersLanguage(database: TestDatabase) async throws {
        let instance = try await NotificationTests.teamInstance(database)
        try await instance.createAccount("newcomer@example.org")
        try await instance.run { browser in
            let team = try await NotificationTests.team(browser)
            // Signed in with the English interface: English is selected.
            let before = try await team.editor.get("/account")
            #expect(before.body.contains(#"<option value="en" lang="en" selected>English</option>"#))

            let chosen = try await team.editor.submit("/account", action: "/account", [("language", "ar")])
            #expect(chosen.status == .seeOther)
            #expect(chosen.location == "/account?done=language#email-language")
            let after = try await team.editor.get(try #require(chosen.location))
            #expect(after.body.contains("The language of your emails is saved."))
            #expect(after.body.contains(#"<option value="ar" lang="ar" selected>العربية</option>"#))
            // Only the interface's languages can be chosen.
            let unknown = try await team.editor.submit("/account", action: "/account", [("language", "de")])
            #expect(unknown.status == .badRequest)

            let rivers = try await NotificationTests.submit("Clean rivers", by: team.editor)
            #expect(try await team.admin.moderate(rivers, "approve").status == .seeOther)
            let arabic = try await NotificationTests.waitForMessage(
                to: "editor@example.org",
                subject: Self.arabic.text(.emailOrganizerApprovedSubject, ["title": "Clean rivers"]), team.mailbox)
            #expect(arabic.raw.contains("Content-Language: ar"))
            #expect(arabic.raw.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.raw.contains("مرحبًا editor،"))
            #expect(arabic.raw.contains(Self.arabic.text(.emailOrganizerFooterLink)))
            let english = try await NotificationTests.waitForMessage(
                to: "owner@example.org", subject: "Your petition is open: Clean rivers", team.mailbox)
            #expect(english.raw.contains("Content-Language: en"))
            #expect(english.raw.contains("Choose your emails"))

            // A first sign-in records the language of its page; a later one from another
            // language's page keeps what was recorded or chosen.
            let newcomer = browser.newVisitor()
            _ = try await newcomer.get("/?lang=ar")
            #expect(try await newcomer.signIn("newcomer@example.org").status == .seeOther)
            let recorded = try await newcomer.get("/account")
            #expect(recorded.body.contains(#"<option value="ar" lang="ar" selected>العربية</option>"#))
            let french = browser.newVisitor()
            _ = try await french.get("/?lang=fr")
            #expect(try await french.signIn("viewer@example.org").status == .seeOther)
            let account = try await french.get("/account")
            #expect(account.body.contains(#"<option value="en" lang="en" selected>English</option>"#))
            let choice = try await french.submit("/account", action: "/account", [("language", "fr")])
            #expect(choice.status == .seeOther)
            #expect(try await NotificationTests.choose("all", french).status == .seeOther)
            let streets = try await NotificationTests.submit("Quiet streets", by: team.owner)
            #expect(try await team.admin.moderate(streets, "approve").status == .seeOther)
            let told = try await NotificationTests.waitForMessage(
                to: "viewer@example.org",
                subject: Self.french.text(.emailOrganizerApprovedSubject, ["title": "Quiet streets"]), team.mailbox)
            #expect(told.raw.contains("Bonjour viewer,"))
            #expect(told.raw.contains("Content-Language: fr"))
        }
    }

    @Test(
        "the account, organization, activity and audit pages in French and in Arabic, right to left",
        arguments: TestDatabase.all)
    func pages(database: TestDatabase) async throws {
        let instance = try await NotificationTests.teamInstance(database)
        try await instance.run { browser in
            let team = try await NotificationTests.team(browser)
            let account = try await team.owner.get("/account", headers: [.acceptLanguage: "fr"])
            #expect(account.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(account.body.contains("Vos organisations"))
            #expect(account.body.contains("Connecté en tant que owner@example.org"))
            #expect(account.body.contains("Langue des e-mails que nous vous envoyons"))
            #expect(account.body.contains(#"<option value="all" selected>Toutes les pétitions (par défaut)</option>"#))
            #expect(account.body.contains("<td>propriétaire</td>"))
            #expect(account.body.contains("Se déconnecter"))

            let organization = try await team.owner.get("/org/acme?lang=ar")
            #expect(organization.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(organization.body.contains(Self.arabic.text("organization.members")))
            #expect(organization.body.contains(Self.arabic.text("organization.invite.submit")))
            #expect(organization.body.contains(#"<option value="editor" selected>محرر</option>"#))
            #expect(organization.body.contains("<td>مُطّلِع</td>"))

            let activity = try await team.owner.get("/org/acme/activity")
            #expect(activity.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(activity.body.contains(Self.arabic.text(.activityTitle, ["organization": "Acme"])))
            #expect(
                activity.body.contains(
                    Self.arabic.text(.activityEmailsAllDefault, ["organization": "Acme", "role": "مالك"])))

            let audit = try await team.owner.get("/org/acme/audit?lang=fr")
            #expect(audit.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(audit.body.contains("Journal d&#39;audit de Acme"))
            #expect(audit.body.contains("<th>Qui</th>"))

            let signIn = try await browser.newVisitor().get("/account/sign-in?lang=ar")
            #expect(signIn.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(signIn.body.contains("<h1>تسجيل الدخول</h1>"))

            let newOrganization = try await team.viewer.get("/org/new?lang=fr")
            #expect(newOrganization.body.contains("<h1>Créer une organisation</h1>"))
            let refused = try await team.viewer.submit("/org/new", [("name", ""), ("slug", "")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Veuillez donner un nom à l&#39;organisation, en 100 caractères au plus."))
        }
    }

    @Test(
        "an invitation goes out in the inviter's language, a reset link in the language of the page that asked",
        arguments: TestDatabase.all)
    func accountEmails(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            let owner = browser.newVisitor()
            _ = try await owner.get("/?lang=fr")
            #expect(try await owner.signIn("owner@example.org").status == .seeOther)
            #expect(try await owner.createOrganization("Acme", slug: "acme").status == .seeOther)
            let link = try await owner.invite("new@example.org", role: .editor, to: "acme")
            let invitation = try #require(browser.mailbox.messages(to: "new@example.org").last)
            #expect(invitation.subject == "Rejoignez Acme sur Undersigned")
            #expect(
                invitation.raw.contains("owner vous invite à rejoindre « Acme » sur Undersigned en tant que rédacteur.")
            )
            #expect(invitation.raw.contains("Content-Language: fr"))

            // The invited person reads the invitation in their own language.
            let invited = browser.newVisitor()
            let page = try await invited.get("\(link)?lang=ar")
            #expect(page.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(page.body.contains(Self.arabic.text(.invitationTitle, ["organization": "Acme"])))
            #expect(page.body.contains("أنت مدعوّ للانضمام إلى Acme بصفة محرر."))

            let asker = browser.newVisitor()
            _ = try await asker.get("/account/reset?lang=ar")
            let asked = try await asker.submit("/account/reset", [("email", "owner@example.org")])
            #expect(asked.body.contains(Self.arabic.text("reset.sent")))
            let reset = try #require(try await browser.mailbox.waitForMessages(to: "owner@example.org").last)
            #expect(reset.subject == Self.arabic.text(.emailAccountResetSubject))
            #expect(reset.raw.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(reset.raw.contains("مرحبًا owner،"))
        }
    }
}
