import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// The moderators' and admins' pages, and the errors anyone can meet, in French and Arabic.
@Suite("Moderation, admin pages and errors in the visitor's language")
struct ModerationLanguageTests {
    @Test("the review queue and a petition's moderation page in French and in Arabic", arguments: TestDatabase.all)
    func moderationPages(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", name: "Rania Moderator", admin: true)
        try await instance.run { browser in
            #expect(try await browser.report(TestInstance.seedSlug, reason: "privacy").status == .seeOther)
            #expect(try await browser.newVisitor().report(TestInstance.seedSlug, reason: "spam").status == .seeOther)
            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")

            let french = try await admin.get("/admin/review", headers: [.acceptLanguage: "fr-FR, en;q=0.5"])
            #expect(french.status == .ok)
            #expect(french.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(french.body.contains("<h1>Modération</h1>"))
            #expect(french.body.contains("Signalées par des visiteurs"))
            #expect(french.body.contains("2 signalements ouverts"))
            #expect(french.body.contains("(informations privées, photos): 1"))
            #expect(french.body.contains("Retirer"))
            #expect(!french.body.contains("Reported by visitors"))

            let page = try await admin.get(
                "/admin/petitions/\(TestInstance.seedSlug)?done=dismissed", headers: [.acceptLanguage: "fr"])
            #expect(page.body.contains("Signalements ouverts"))
            #expect(page.body.contains("Les signalements sont classés sans suite."))
            #expect(page.body.contains("<th>État</th><td>Ouverte"))

            let arabic = try await admin.get("/admin/review?lang=ar")
            #expect(arabic.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.body.contains("<h1>الإشراف</h1>"))
            #expect(arabic.body.contains("أبلغ عنها الزوار"))
            #expect(arabic.body.contains("بلاغان مفتوحان"))
            #expect(!arabic.body.contains("Reported by visitors"))

            let petition = try await admin.get("/admin/petitions/\(TestInstance.seedSlug)")
            #expect(petition.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(petition.body.contains("البلاغات المفتوحة"))
            #expect(petition.body.contains("<th>الحالة</th><td>مفتوحة"))
            #expect(petition.body.contains("تكشف شخصًا ما (معلومات خاصة، صور)"))
            // The petition's own words keep their language and direction.
            #expect(petition.body.contains(#"<h1 lang="en" dir="ltr">"#))

            let accounts = try await admin.get("/admin/accounts")
            #expect(accounts.body.contains("<h1>الحسابات</h1>"))
            #expect(accounts.body.contains("نشِط"))
        }
    }

    @Test("a refusal of the organization's rules is an Arabic page with its status", arguments: TestDatabase.all)
    func organizationErrorInArabic(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Campaign", slug: "campaign")
            // The only owner may not become a viewer.
            let refused = try await browser.submit(
                "/org/campaign?lang=ar", action: "/org/campaign/members/\(owner.id.text)/role", [("role", "viewer")])
            #expect(refused.status == .conflict)
            #expect(refused.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(refused.body.contains("تحتاج المنظمة إلى مالك"))
            #expect(refused.body.contains("هذا هو آخر مالك للمنظمة. اجعل عضوًا آخر مالكًا أولًا."))
            #expect(refused.body.contains("خطأ 409"))
        }
    }

    @Test("a connection held back from signing in is told so in French, with the wait", arguments: TestDatabase.all)
    func rateLimitedInFrench(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            _ = try await browser.get("/account/sign-in?lang=fr")
            for index in 0..<10 {
                #expect(
                    try await browser.signIn("user\(index)@example.org", password: "one common guess").status
                        == .unprocessableContent)
            }
            let held = try await browser.signIn("organizer@example.org")
            #expect(held.status == .tooManyRequests)
            #expect(held.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(held.body.contains("Trop de tentatives depuis votre connexion"))
            let seconds = try #require(held.headers[.retryAfter].flatMap { Int($0) })
            let wait = seconds < 60 ? "seconde" : "minute"
            #expect(held.body.contains("Veuillez réessayer dans "))
            #expect(held.body.contains(wait))
            #expect(!held.body.contains("Too many attempts"))
        }
    }

    @Test("problem details answer in the language asked for", arguments: TestDatabase.all)
    func problemDetailsInFrench(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.run { browser in
            let json: HTTPFields = [.accept: "application/json", .acceptLanguage: "fr"]
            let anonymous = try await browser.get("/admin/review", headers: json)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.contentType] == "application/problem+json")
            #expect(anonymous.headers[.contentLanguage] == "fr")
            let problem = try JSONDecoder().decode(Problem.self, from: anonymous.bytes)
            #expect(problem.title == "Connexion requise")
            #expect(problem.detail == "Connectez-vous d'abord à un compte d'organisateur ou d'administrateur.")

            // A move the petition's state does not allow: its state is named in French.
            try await browser.signIn("admin@example.org")
            let token = try #require(try await browser.get("/admin/petitions/\(TestInstance.seedSlug)").field("csrf"))
            let refused = try await browser.post(
                "/admin/petitions/\(TestInstance.seedSlug)/approve", form: [("csrf", token)], headers: json)
            #expect(refused.status == .conflict)
            let refusal = try JSONDecoder().decode(Problem.self, from: refused.bytes)
            #expect(refusal.title == "C'est impossible pour le moment")
            #expect(refusal.detail == "C'est impossible pour une pétition ouverte.")
            #expect(refusal.status == 409)
        }
    }

    private struct Problem: Decodable {
        var title: String
        var status: Int
        var detail: String
    }
}
