import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// The widget partner sites frame: framed anywhere while every other page refuses it, and
/// signing inside it with no cookie at all.
@Suite("The embeddable widget")
struct EmbedTests {
    static let widgetPath = "\(TestInstance.seedPath)/embed"

    @Test("the widget may be framed by any site; the petition page by none", arguments: TestDatabase.all)
    func framing(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let widget = try await browser.get(Self.widgetPath)
            #expect(widget.status == .ok)
            Self.expectFramable(widget)
            #expect(widget.body.contains(#"<link rel="stylesheet" href="/static/app."#))
            #expect(widget.body.contains("<title>Act to end the Assad regime"))
            #expect(!widget.body.contains(#"<header class="site">"#))
            #expect(!widget.body.contains(#"<footer class="site">"#))
            #expect(
                widget.body.contains(
                    #"href="http://undersigned.test\#(TestInstance.seedPath)" target="_blank" rel="noopener""#))
            #expect(widget.body.contains(#"data-events="\#(TestInstance.seedPath)/events""#))
            #expect(widget.body.contains(#"<strong class="count">0</strong>"#))
            #expect(widget.formAction == "\(Self.widgetPath)/sign?lang=en")
            #expect(widget.field("form") != nil)
            #expect(widget.field("csrf") == nil)

            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.xFrameOptions] == "DENY")
            // A path that merely starts like the widget's is not the widget.
            let other = try await browser.get("\(TestInstance.seedPath)/embedded")
            #expect(other.headers[.xFrameOptions] == "DENY")
            // The widget's own errors show in the frame too.
            let unknown = try await browser.get("/p/no-such-petition/embed")
            #expect(unknown.status == .notFound)
            Self.expectFramable(unknown)
        }
    }

    @Test(
        "a visitor without cookies signs in the widget, confirms, and is counted as an embed",
        arguments: TestDatabase.all)
    func signWithoutCookies(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let visitor = browser.newVisitor()
            let widget = try await visitor.get(Self.widgetPath)
            #expect(widget.headers[values: .setCookie].isEmpty)
            let signed = try await visitor.post(
                try #require(widget.formAction), form: Self.form(from: widget, email: "framed@example.org"),
                headers: [.origin: "null"])
            #expect(signed.status == .seeOther)
            #expect(signed.location == "\(Self.widgetPath)/check-email?lang=en")
            #expect(visitor.cookie("undersigned_csrf") == nil)

            let checkEmail = try await visitor.get(try #require(signed.location))
            #expect(checkEmail.status == .ok)
            #expect(checkEmail.body.contains("Check your email"))
            #expect(checkEmail.formAction == nil)
            Self.expectFramable(checkEmail)

            let email = try #require(try await browser.mailbox.waitForMessages(to: "framed@example.org").first)
            try await browser.newVisitor().confirm(try #require(email.confirmationPath))
            #expect(try await browser.apiCount() == 1)
            #expect(try await browser.get(Self.widgetPath).body.contains(#"<strong class="count">1</strong>"#))
        }
        #expect(try await Self.confirmed(from: .embed, instance) == 1)
        #expect(try await Self.confirmed(from: .web, instance) == 0)
    }

    @Test("a forged or expired form token is refused in the widget, and nothing is stored", arguments: TestDatabase.all)
    func refusedTokens(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let visitor = browser.newVisitor()
            let widget = try await visitor.get(Self.widgetPath)
            let action = try #require(widget.formAction)
            let token = try #require(widget.field("form"))
            // The petition page's cookie-bound token is no token here.
            let pageToken = try #require(try await browser.get(TestInstance.seedPath).field("csrf"))
            let forgeries = ["", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", String(token.reversed()), pageToken]
            for forged in forgeries {
                var form = Self.form(from: widget, email: "forged@example.org")
                form[0].1 = forged
                let refused = try await visitor.post(action, form: form)
                #expect(refused.status == .forbidden)
                #expect(refused.body.contains("This form has expired or could not be checked."))
                #expect(refused.body.contains(#"value="forged@example.org""#))
                Self.expectFramable(refused)
            }

            // Past its two hours, a genuine token is refused too; the page offers a fresh one.
            instance.clock.advance(by: EmbedFormTokens.lifetime + 60)
            let expired = try await visitor.post(action, form: Self.form(from: widget, email: "late@example.org"))
            #expect(expired.status == .forbidden)
            #expect(expired.body.contains("This form has expired or could not be checked."))
            let fresh = try #require(expired.field("form"))
            #expect(fresh != token)
            var retried = Self.form(from: expired, email: "late@example.org")
            retried[0].1 = fresh
            #expect(try await visitor.post(action, form: retried).status == .seeOther)

            // Only the last attempt was stored and emailed.
            _ = try await browser.mailbox.waitForMessages(to: "late@example.org")
            #expect(browser.mailbox.messages().map(\.to) == ["late@example.org"])
        }
    }

    @Test("form errors come back in the widget with their messages", arguments: TestDatabase.all)
    func formErrors(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let widget = try await browser.get(Self.widgetPath)
            let answer = try await browser.post(
                try #require(widget.formAction), form: Self.form(from: widget, name: "", email: "not-an-address"))
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Please enter your name."))
            #expect(answer.body.contains("This does not look like an email address."))
            #expect(answer.body.contains(#"value="not-an-address""#))
            #expect(answer.field("form") != nil)
            Self.expectFramable(answer)
            #expect(browser.mailbox.messages().isEmpty)
        }
    }

    @Test("the widget speaks the visitor's language, right to left in Arabic", arguments: TestDatabase.all)
    func arabic(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let visitor = browser.newVisitor()
            let widget = try await visitor.get(Self.widgetPath, headers: [.acceptLanguage: "ar"])
            #expect(widget.status == .ok)
            #expect(widget.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(widget.headers[.contentLanguage] == "ar")
            #expect(widget.formAction == "\(Self.widgetPath)/sign?lang=ar")
            let words = Translations.bundled[.ar]
            #expect(widget.body.contains(words.text("embed.read_petition")))

            let answer = try await visitor.post(
                try #require(widget.formAction), form: Self.form(from: widget, name: "", email: "x@example.org"),
                headers: [.acceptLanguage: "ar"])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(answer.body.contains(words.text(.signErrorNameMissing)))
        }
    }

    @Test("the organizers' page of a public petition holds the snippet to embed it", arguments: TestDatabase.all)
    func snippet(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Zero Impunity", slug: "zero-impunity")
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
            #expect(manage.body.contains(#"<label for="embed-snippet">"#))
            #expect(
                manage.body.contains(
                    #"&lt;iframe src=&quot;http://undersigned.test\#(Self.widgetPath)&quot; title=&quot;Sign the petition: "#
                ))
            #expect(manage.body.contains(#"width=&quot;100%&quot; height=&quot;640&quot; style=&quot;border:0&quot;"#))
        }
    }

    @Test("form tokens hold for their petition and their lifetime only")
    func tokens() {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let tokens = EmbedFormTokens(key: .init(size: .bits256), clock: clock.wallClock)
        let token = tokens.token(for: "a-petition")
        #expect(tokens.isValid(token, for: "a-petition"))
        #expect(!tokens.isValid(token, for: "another-petition"))
        #expect(!tokens.isValid(nil, for: "a-petition"))
        #expect(!tokens.isValid(String(repeating: "A", count: 10_000), for: "a-petition"))
        let other = EmbedFormTokens(key: .init(size: .bits256), clock: clock.wallClock)
        #expect(!other.isValid(token, for: "a-petition"))
        clock.advance(by: EmbedFormTokens.lifetime - 1)
        #expect(tokens.isValid(token, for: "a-petition"))
        clock.advance(by: 2)
        #expect(!tokens.isValid(token, for: "a-petition"))
        // One issued far ahead of this instance's clock is not taken either.
        clock.advance(by: -(EmbedFormTokens.lifetime + EmbedFormTokens.allowedClockSkew + 60))
        #expect(!tokens.isValid(token, for: "a-petition"))
    }

    // MARK: Helpers

    /// The widget's form filled in, its token first, its challenge solved as the script would.
    static func form(from page: Browser.Page, name: String = "Amal Haddad", email: String) -> [(String, String)] {
        let challenge = page.field("pow") ?? ""
        return [
            ("form", page.field("form") ?? ""), ("pow", challenge),
            ("powSolution", Browser.solve(challenge, difficulty: page.difficulty ?? 0)),
            ("name", name), ("email", email), ("country", "SY"),
        ]
    }

    static func expectFramable(_ page: Browser.Page, sourceLocation: SourceLocation = #_sourceLocation) {
        let policy = page.headers[.contentSecurityPolicy] ?? ""
        #expect(policy.contains("frame-ancestors *"), sourceLocation: sourceLocation)
        #expect(!policy.contains("frame-ancestors 'none'"), sourceLocation: sourceLocation)
        #expect(page.headers[.xFrameOptions] == nil, sourceLocation: sourceLocation)
    }

    /// Confirmed signatures of the seed petition from `source`, as the dashboard's figures count them.
    static func confirmed(from source: SignatureSource, _ instance: TestInstance) async throws -> Int {
        let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
        var total = 0
        try await withServices(of: store) {
            let seed = try #require(try await store.petition(slug: TestInstance.seedSlug))
            total = try await store.storedTallies(petitionID: seed.id).perDay.filter {
                $0.key.source == source.rawValue
            }
            .values.reduce(0, +)
        }
        return total
    }
}
