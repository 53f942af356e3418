import Foundation
import HTTPTypes
import SQLKit
import Testing

@testable import Undersigned

@Suite("Pages and headers")
struct PageTests {
    @Test(
        "the petition page shows the campaign, its targets and the form, and loads nothing from elsewhere",
        arguments: TestDatabase.all)
    func petitionPage(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.status == .ok)
            #expect(
                page.body.contains(
                    "<h1 lang=\"en\" dir=\"ltr\">Act to end the Assad regime’s use of sexual violence against children as a weapon of war</h1>"
                )
            )
            #expect(page.body.contains("This petition will be delivered to"))
            for target in [
                "United Nations Security Council", "António Guterres", "Letitia Anderson",
                "Secretary-General of the United Nations",
            ] {
                #expect(page.body.contains(target))
            }
            #expect(page.body.contains("<p>In 2014, in a publication by the UN Secretary General"))
            for field in [
                "name=\"name\"", "name=\"email\"", "name=\"country\"", "name=\"showName\"", "name=\"updates\"",
            ] {
                #expect(page.body.contains(field))
            }
            #expect(
                page.body.contains("<option value=\"SY\">Syria</option>")
                    || page.body.contains("<option value=\"SY\">Syrian Arab Republic</option>"))
            // Every URL the page loads is its own; links to other sites (sharing) load nothing.
            let sources = page.body.matches(
                of: /(?:src|<link rel="(?:stylesheet|icon|preload|modulepreload)" href)="([^"]+)"/
            )
            .map { String($0.output.1) }
            for source in sources where !source.hasPrefix("/") && !source.hasPrefix("#") {
                Issue.record("page refers to \(source)")
            }
            // The stylesheet it links is served, cacheable for good.
            let stylesheet = try #require(page.body.firstMatch(of: /href="(\/static\/[^"]+\.css)"/)?.output.1)
            let css = try await browser.get(String(stylesheet))
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.cacheControl]?.contains("immutable") == true)
        }
    }

    @Test(
        "the page kept in memory gives each visitor a form token of their own, and its figures follow the count",
        arguments: TestDatabase.all)
    func keptPage(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let first = try await browser.get(TestInstance.seedPath)
            let second = try await browser.newVisitor().get(TestInstance.seedPath)
            let firstToken = try #require(first.field("csrf"))
            #expect(!firstToken.isEmpty)
            #expect(second.field("csrf") != firstToken)
            #expect(first.body.contains(#"<strong class="count">0</strong> confirmed signatures</span>"#))
            #expect(first.body.contains("No signature has been logged yet"))

            try await browser.signAndConfirm(email: "kept-page@example.org")
            let after = try await browser.newVisitor().get(TestInstance.seedPath)
            #expect(after.body.contains(#"<strong class="count">1</strong> confirmed signature</span>"#))
            #expect(after.field("csrf") != firstToken)
            // The page around the figures is still whole.
            #expect(after.body.contains("This petition will be delivered to"))
        }
    }

    @Test("every response carries the security headers", arguments: TestDatabase.all)
    func securityHeaders(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            for path in ["/", TestInstance.seedPath, "/api/v1/petitions", "/healthz", "/missing"] {
                let response = try await browser.get(path)
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'none'"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("http"), "no other origin is allowed")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.referrerPolicy] == "no-referrer")
                #expect(response.headers[.xFrameOptions] == "DENY")
            }
        }
    }

    @Test("the CSRF cookie is HttpOnly and SameSite", arguments: TestDatabase.all)
    func csrfCookie(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let cookie = try #require(page.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            // A returning visitor keeps their cookie.
            let again = try await browser.get(TestInstance.seedPath)
            #expect(again.headers[.setCookie] == nil)
            #expect(again.field("csrf") == page.field("csrf"))
        }
    }

    @Test(
        "over HTTPS the CSRF cookie has the __Host- prefix, and every response asks for HTTPS from then on",
        arguments: TestDatabase.all)
    func overHTTPS(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in
            settings.baseURL = URL(string: "https://undersigned.test")!
        }
        try await instance.createAccount("organizer@example.org")
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let cookie = try #require(page.headers[.setCookie])
            #expect(cookie.hasPrefix("__Host-undersigned_csrf="))
            #expect(cookie.contains("; Secure"))
            #expect(cookie.contains("; Path=/"))
            #expect(!cookie.lowercased().contains("domain"))
            // The prefixed cookie is the one read: forms still work, and sign-in gives a prefixed session.
            #expect(try await browser.sign(email: "https@example.org").status == .seeOther)
            let signedIn = try await browser.signIn("organizer@example.org")
            #expect(signedIn.status == .seeOther)
            #expect(
                signedIn.headers[values: .setCookie].contains {
                    $0.hasPrefix("__Host-undersigned_session=") && $0.contains("; Secure")
                })
            // A cookie without the prefix, as another site on the same domain could plant it, is not taken.
            let planted = browser.newVisitor()
            planted.setCookie("undersigned_csrf", "AAAAAAAAAAAAAAAAAAAAAA")
            let fresh = try await planted.get(TestInstance.seedPath)
            #expect(fresh.headers[.setCookie]?.hasPrefix("__Host-undersigned_csrf=") == true)

            for path in ["/", TestInstance.seedPath, "/api/v1/petitions", "/healthz", "/missing", "/account"] {
                let response = try await browser.get(path)
                #expect(response.headers[.strictTransportSecurity] == "max-age=63072000; includeSubDomains", "\(path)")
            }
        }
    }

    @Test("over plain HTTP nothing asks browsers for HTTPS", arguments: [TestDatabase.sqlite])
    func overHTTP(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.headers[.setCookie]?.hasPrefix("undersigned_csrf=") == true)
            #expect(page.headers[.strictTransportSecurity] == nil)
        }
    }

    @Test("the API describes the petition and /healthz answers", arguments: TestDatabase.all)
    func apiAndHealth(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let response = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            struct Resource: Decodable {
                struct Target: Decodable {
                    var name: String
                    var role: String
                }
                var slug: String
                var title: String
                var state: String
                var signatureCount: Int
                var goal: Int
                var targets: [Target]
            }
            let petition = try JSONDecoder().decode(Resource.self, from: Data(response.body.utf8))
            #expect(petition.slug == TestInstance.seedSlug)
            #expect(petition.state == "open")
            #expect(petition.signatureCount == 0)
            #expect(petition.goal == 10_000)
            #expect(
                petition.targets.map(\.name) == [
                    "United Nations", "United Nations Security Council", "António Guterres", "Letitia Anderson",
                ])

            let health = try await browser.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.body.contains("\"ok\""))
        }
    }

    @Test(
        "/readyz answers ready only while the database holds exactly the migrations this build knows",
        arguments: TestDatabase.all)
    func readiness(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let ready = try await browser.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.body.contains("\"ready\""))
            #expect(ready.headers[.cacheControl] == "no-store")

            // Another handle on the same database changes its record of migrations behind the server.
            let opened = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            let store = try #require(opened as? SQLStore)
            let latest = try #require(Migrations.all.last?.version)
            try await withServices(of: opened) {
                try await store.driver.transaction { db in
                    try await db.raw("DELETE FROM schema_migrations WHERE version = \(bind: latest)").run()
                }
                let pending = try await browser.get("/readyz", headers: [.accept: "application/json"])
                #expect(pending.status == .serviceUnavailable)
                #expect(pending.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(pending.body.contains("Migrations \(latest) are not applied yet"))

                try await store.driver.transaction { db in
                    try await db.raw(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: latest), 'back', 0), (\(bind: latest + 1), 'from a newer release', 0)"
                    ).run()
                }
                let newer = try await browser.get("/readyz", headers: [.accept: "application/json"])
                #expect(newer.status == .serviceUnavailable)
                #expect(newer.body.contains("does not know (\(latest + 1))"))
            }
            // Alive all the same: a restart would not help.
            #expect(try await browser.get("/healthz").status == .ok)
        }
    }
}
