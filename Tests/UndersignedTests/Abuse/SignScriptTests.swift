import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

@Suite("The sign form's script")
struct SignScriptTests {
    @Test(
        "the script and its worker come from this site, under a strict policy, and load nothing else",
        arguments: TestDatabase.all)
    func served(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'"))
            #expect(policy.contains("worker-src 'self'"))
            #expect(!policy.contains("unsafe"))
            let script = try #require(
                page.body.firstMatch(of: /<script src="(\/static\/sign\.[0-9a-f]+\.js)" defer><\/script>/)?.output.1)
            let worker = try #require(
                page.body.firstMatch(of: /data-pow-worker="(\/static\/proof-of-work-worker\.[0-9a-f]+\.js)"/)?.output.1)
            let live = try #require(
                page.body.firstMatch(of: /<script src="(\/static\/live\.[0-9a-f]+\.js)" defer><\/script>/)?.output.1)
            for path in [String(script), String(worker), String(live)] {
                let file = try await browser.get(path)
                #expect(file.status == .ok)
                #expect(file.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(file.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(!file.body.contains("http"), "\(path) refers to another site")
                #expect(!file.body.contains("import"))
            }
            // No inline script anywhere on the page: the form's and the live count's, from files.
            #expect(page.body.components(separatedBy: "<script").count == 3)
            #expect(page.body.components(separatedBy: "<script src=\"/static/").count == 3)
            #expect(try await browser.get("/static/sign.js").status == .notFound)
        }
    }

    @Test("hostile proof-of-work fields get a 403 with the form back, never a 500", arguments: TestDatabase.all)
    func hostileFields(database: TestDatabase) async throws {
        let instance = try await ProofOfWorkFlowTests.busyInstance(database)
        try await instance.run { browser in
            try await ProofOfWorkFlowTests.flood(browser, requests: 3)
            let hostile = [
                (String(repeating: "A", count: 20_000), "1"), ("%%%", "1"), ("", "123"), ("\u{0}\u{1}", "\u{0}"),
                ("AQgAAAAA", String(repeating: "9", count: 5000)), ("ok", "-5"), ("💥", "💥"), ("AAAA", "1e9"),
            ]
            for (challenge, solution) in hostile {
                let page = try await browser.get(TestInstance.seedPath)
                var form = browser.signForm(from: page, email: "hostile@example.org")
                form = form.map { field in
                    switch field.0 {
                    case "pow": (field.0, challenge)
                    case "powSolution": (field.0, solution)
                    default: field
                    }
                }
                let response = try await browser.post("\(TestInstance.seedPath)/sign", form: form)
                // No form field may hold a NUL: such a body is refused as malformed before it is read.
                guard !(challenge + solution).contains("\u{0}") else {
                    #expect(response.status == .badRequest)
                    continue
                }
                #expect(response.status == .forbidden, "\(challenge.prefix(10))")
                #expect(response.body.contains("value=\"hostile@example.org\""))
            }
            #expect(browser.mailbox.messages().isEmpty)
        }
    }
}
