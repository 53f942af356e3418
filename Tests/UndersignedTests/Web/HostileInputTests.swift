import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import Undersigned

/// Bad input gets a clear 4xx, never a 500, and stores nothing.
@Suite("Hostile and malformed requests")
struct HostileInputTests {
    @Test("unknown routes get a real 404 page, the API gets problem details", arguments: TestDatabase.all)
    func notFound(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get("/no/such/page")
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.body.contains("<h1>Page not found</h1>"))

            let petition = try await browser.get("/p/no-such-petition")
            #expect(petition.status == .notFound)
            #expect(petition.body.contains("There is no petition at this address"))

            let weird = try await browser.get("/p/%3Cscript%3E")
            #expect(weird.status == .notFound)
            #expect(!weird.body.contains("<script>"))

            let api = try await browser.get("/api/v1/petitions/nothing-here")
            #expect(api.status == .notFound)
            #expect(api.headers[.contentType] == "application/problem+json")
            struct Problem: Decodable {
                var type: String
                var title: String
                var status: Int
                var detail: String
            }
            let problem = try JSONDecoder().decode(Problem.self, from: Data(api.body.utf8))
            #expect(problem.status == 404)
            #expect(problem.type == "about:blank")
        }
    }

    @Test("an oversized form is refused with 413 and stores nothing", arguments: TestDatabase.all)
    func oversizedBody(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let huge = String(repeating: "a", count: 200_000)
            let response = try await browser.post(
                "\(TestInstance.seedPath)/sign",
                form: [
                    ("csrf", page.field("csrf") ?? ""), ("name", huge), ("email", "big@example.org"), ("country", "FR"),
                ])
            #expect(response.status == .contentTooLarge)
            #expect(response.body.contains("Too much data"))
            #expect(try await browser.apiCount() == 0)
        }
    }

    @Test("a body that is not UTF-8 or not a form gets 400", arguments: TestDatabase.all)
    func malformedBodies(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let token = page.field("csrf") ?? ""
            var invalidUTF8 = ByteBuffer(string: "csrf=\(token)&name=")
            invalidUTF8.writeBytes([0xFF, 0xFE, 0xC3])
            invalidUTF8.writeString("&email=a%40example.org&country=FR")
            let raw = try await browser.send(
                "\(TestInstance.seedPath)/sign", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: invalidUTF8)
            #expect(raw.status == .badRequest)
            #expect(raw.body.contains("UTF-8"))

            let percentEncoded = try await browser.post(
                "\(TestInstance.seedPath)/sign", body: "csrf=\(token)&name=%FF%FE&email=a%40example.org&country=FR")
            #expect(percentEncoded.status.code >= 400 && percentEncoded.status.code < 500)

            let brokenEncoding = try await browser.post(
                "\(TestInstance.seedPath)/sign", body: "csrf=\(token)&name=%ZZ%&email")
            #expect(brokenEncoding.status.code >= 400 && brokenEncoding.status.code < 500)

            let json = try await browser.post(
                "\(TestInstance.seedPath)/sign", body: #"{"name": "x"}"#, headers: [.contentType: "application/json"])
            #expect(json.status.code >= 400 && json.status.code < 500)
            #expect(try await browser.apiCount() == 0)
        }
    }

    @Test("forms without a valid CSRF token or from another site are refused", arguments: TestDatabase.all)
    func forgedRequests(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let token = try #require(page.field("csrf"))
            let form = [("name", "Forged"), ("email", "forged@example.org"), ("country", "FR")]

            let missing = try await browser.post("\(TestInstance.seedPath)/sign", form: form)
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("value=\"forged@example.org\""), "what was typed is kept")
            #expect(missing.body.contains("this form has expired"))

            let wrong = try await browser.post(
                "\(TestInstance.seedPath)/sign", form: [("csrf", "AAAAAAAAAAAAAAAAAAAAAA")] + form)
            #expect(wrong.status == .forbidden)

            let crossSite = try await browser.post(
                "\(TestInstance.seedPath)/sign", form: [("csrf", token)] + form,
                headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)

            let fetchSite = try await browser.post(
                "\(TestInstance.seedPath)/sign", form: [("csrf", token)] + form, headers: [.secFetchSite: "cross-site"])
            #expect(fetchSite.status == .forbidden)

            // A token is bound to its cookie: someone else's cookie does not match it.
            let stranger = browser.newVisitor()
            _ = try await stranger.get(TestInstance.seedPath)
            let stolen = try await stranger.post("\(TestInstance.seedPath)/sign", form: [("csrf", token)] + form)
            #expect(stolen.status == .forbidden)

            // The same-origin form, as a browser sends it, works.
            let genuine = try await browser.post(
                "\(TestInstance.seedPath)/sign", form: [("csrf", token)] + form,
                headers: [.origin: "http://undersigned.test"])
            #expect(genuine.status == .seeOther)
            _ = try await browser.mailbox.waitForMessages(to: "forged@example.org")
            #expect(browser.mailbox.messages().count == 1)
        }
    }

    @Test("confirmation links that were not made by the server lead nowhere", arguments: TestDatabase.all)
    func forgedConfirmationLinks(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            for path in [
                "/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/confirm/short", "/confirm/%00%01",
                "/confirm/" + String(repeating: "x", count: 5000),
            ] {
                let page = try await browser.get(path)
                #expect(page.status == .notFound, "\(path.prefix(40))")
                #expect(page.body.contains("confirmation link is not valid"))
                let posted = try await browser.post(path, form: [("csrf", "x")])
                #expect(posted.status == .notFound)
            }
            // A real link with one character changed is refused too.
            try await browser.sign(email: "tamper@example.org")
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "tamper@example.org").first?.confirmationPath)
            var tampered = Array(link)
            tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
            #expect(try await browser.get(String(tampered)).status == .notFound)
            // The real link pressed from another site, or without the page's token, confirms nothing.
            let forged = try await browser.newVisitor().post(link, form: [("csrf", "AAAAAAAAAAAAAAAAAAAAAA")])
            #expect(forged.status == .forbidden)
            #expect(forged.body.contains("Please press the button again"))
            #expect(try await browser.apiCount() == 0)
        }
    }

    @Test("a closed petition refuses signatures with a clear message", arguments: TestDatabase.all)
    func closedPetition(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let location = instance.settings.database
        // Add a closed petition beside the seed one.
        let store = try await openDatabase(location, logger: TestDatabase.logger)
        try await withServices(of: store) {
            try await store.migrate()
            try await store.insert(
                Petition(
                    slug: "closed-one", state: .closed, language: "en", title: "Closed", summary: "Closed petition",
                    bodyMarkdown: "Text", organizer: "Someone", goal: 100, targets: [Target(name: "A target")],
                    createdAt: Date()))
        }
        try await instance.run { browser in
            let page = try await browser.get("/p/closed-one")
            #expect(page.status == .ok)
            #expect(page.body.contains("This petition is closed"))
            #expect(!page.body.contains("<form method=\"post\""))
            let response = try await browser.post(
                "/p/closed-one/sign", form: [("name", "N"), ("email", "n@example.org"), ("country", "FR")])
            #expect(response.status == .conflict)
            #expect(response.body.contains("This petition is closed"))
            #expect(try await browser.apiCount(slug: "closed-one") == 0)
        }
    }
}
