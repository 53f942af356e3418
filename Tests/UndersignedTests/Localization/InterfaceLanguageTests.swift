import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// The interface in English, French and Arabic, as a visitor meets it over HTTP.
@Suite("The interface's languages")
struct InterfaceLanguageTests {
    static let french = Translations.bundled[.fr]
    static let arabic = Translations.bundled[.ar]

    @Test(
        "the browser's language is followed: Arabic right to left, French, English by default",
        arguments: TestDatabase.all)
    func acceptLanguage(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let arabic = try await browser.get(
                TestInstance.seedPath, headers: [.acceptLanguage: "ar-SY,ar;q=0.9,en;q=0.5"])
            #expect(arabic.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.headers[.contentLanguage] == "ar")
            #expect(arabic.body.contains(Self.arabic.text("petition.sign_heading")))
            #expect(arabic.body.contains("التوقيع على هذه العريضة"))
            // The petition's own text keeps its language and direction inside the Arabic page.
            #expect(arabic.body.contains(#"<h1 lang="en" dir="ltr">"#))
            #expect(arabic.body.contains(#"<option value="SY">سوريا</option>"#))

            let french = try await browser.get(TestInstance.seedPath, headers: [.acceptLanguage: "fr-CA, en;q=0.8"])
            #expect(french.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(french.body.contains("Signer cette pétition"))
            #expect(french.body.contains(#"<option value="SY">Syrie</option>"#))

            let other = try await browser.get(TestInstance.seedPath, headers: [.acceptLanguage: "de, es;q=0.5"])
            #expect(other.body.contains(#"<html lang="en" dir="ltr">"#))
            #expect(other.body.contains("Sign this petition"))
        }
    }

    @Test("a choice by ?lang= is remembered in a cookie and beats the browser's language", arguments: TestDatabase.all)
    func explicitChoice(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let home = try await browser.get("/", headers: [.acceptLanguage: "ar"])
            // The switcher links every language, the current one marked.
            for code in ["en", "fr", "ar"] { #expect(home.body.contains(#"href="?lang=\#(code)""#)) }
            #expect(home.body.contains(#"hreflang="ar" dir="rtl" aria-current="true">العربية</a>"#))

            let chosen = try await browser.get("/?lang=fr", headers: [.acceptLanguage: "ar"])
            #expect(chosen.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(chosen.headers[values: .setCookie].contains { $0.hasPrefix("undersigned_lang=fr;") })
            #expect(browser.cookie("undersigned_lang") == "fr")
            let later = try await browser.get(TestInstance.seedPath, headers: [.acceptLanguage: "ar"])
            #expect(later.body.contains(#"<html lang="fr" dir="ltr">"#))
            // An unknown choice changes nothing.
            let unknown = try await browser.get("/?lang=xx")
            #expect(unknown.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(!unknown.headers[values: .setCookie].contains { $0.hasPrefix("undersigned_lang=") })
        }
    }

    @Test("each language version has its own address and the others as alternates", arguments: TestDatabase.all)
    func alternates(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get("\(TestInstance.seedPath)?lang=ar")
            let url = "http://undersigned.test\(TestInstance.seedPath)"
            #expect(page.body.contains(#"<link rel="canonical" href="\#(url)?lang=ar">"#))
            #expect(page.body.contains(#"<meta property="og:locale" content="ar_AR">"#))
            for (lang, href) in [("en", url), ("fr", "\(url)?lang=fr"), ("ar", "\(url)?lang=ar"), ("x-default", url)] {
                #expect(page.body.contains(#"<link rel="alternate" hreflang="\#(lang)" href="\#(href)">"#))
            }
        }
    }

    @Test(
        "signing in French: the form's messages, the emails and the pages that follow are French; one reads as one",
        arguments: TestDatabase.all)
    func signingInFrench(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            _ = try await browser.get("/?lang=fr")
            let page = try await browser.get(TestInstance.seedPath)
            let refused = try await browser.post(
                try #require(page.formAction),
                form: browser.signForm(from: page, name: "", email: "nadia@example.org"))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(Self.french.text(.signErrorNameMissing)))
            #expect(refused.body.contains("Veuillez saisir votre nom."))

            let signed = try await browser.sign(name: "Nadia Karam", email: "nadia@example.org")
            let checkEmail = try await browser.get(try #require(signed.location))
            #expect(checkEmail.body.contains(Self.french.text(.checkEmailHeading)))

            let email = try #require(try await browser.mailbox.waitForMessages(to: "nadia@example.org").first)
            let title = try SeedPetition.load(createdAt: Date()).title
            #expect(email.subject == Self.french.text(.emailConfirmSubject, ["title": title]))
            #expect(email.raw.contains("Content-Language: fr"))
            #expect(email.raw.contains("Bonjour Nadia Karam,"))
            #expect(email.raw.contains(#"<html lang="fr" dir="ltr">"#))

            // Opened in another browser with no choice made, the link still speaks French.
            let stranger = browser.newVisitor()
            let confirmPage = try await stranger.get(try #require(email.confirmationPath))
            #expect(confirmPage.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(confirmPage.body.contains("Syrie"))
            try await stranger.confirm(try #require(email.confirmationPath))
            let receipt = try #require(
                try await browser.mailbox.waitForMessages(to: "nadia@example.org", count: 2).last)
            #expect(receipt.subject == Self.french.text(.emailReceiptSubject, ["title": title]))

            let english = try await browser.get("\(TestInstance.seedPath)?lang=en")
            #expect(english.body.contains(#"<strong class="count">1</strong> confirmed signature</span>"#))
            let arabic = try await browser.get("\(TestInstance.seedPath)?lang=ar")
            #expect(arabic.body.contains(#"<strong class="count">1</strong> توقيع"#))
        }
    }

    @Test("errors speak the visitor's language, as pages and as problem details", arguments: TestDatabase.all)
    func errors(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get("/p/no-such-petition-here/countries", headers: [.acceptLanguage: "ar"])
            #expect(page.status == .notFound)
            #expect(page.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(page.body.contains(Self.arabic.text(.problemNotFoundTitle)))

            let api = try await browser.get("/api/v1/petitions/no-such-petition-here", headers: [.acceptLanguage: "fr"])
            #expect(api.status == .notFound)
            #expect(api.headers[.contentLanguage] == "fr")
            #expect(api.body.contains(Self.french.text(.problemNotFoundTitle)))
        }
    }
}
