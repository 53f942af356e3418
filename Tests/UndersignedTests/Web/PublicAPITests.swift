import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// The JSON API's description, and what every public read carries: an ETag, `Cache-Control`
/// and CORS, which no page or organizer route does.
@Suite("The public API")
struct PublicAPITests {
    @Test(
        "/api/openapi.json is an OpenAPI 3.1 document of exactly the API's routes, served like the reads it describes",
        arguments: TestDatabase.all)
    func openAPIDocument(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let response = try await browser.get(APIDocumentRoute.openAPI.path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.cacheControl] == "public, max-age=3600")
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            #expect(response.headers[.eTag] != nil)

            let document = try #require(try JSONSerialization.jsonObject(with: response.bytes) as? [String: Any])
            let version = try #require(document["openapi"] as? String)
            #expect(version.hasPrefix("3.1."), "version \(version)")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(
                paths.flatMap { path, operations in
                    operations.keys.filter { !Self.pathItemFields.contains($0) }.map { "\($0.uppercased()) \(path)" }
                })
            let routes = Set(RouteTable.entries(APIRoute.self).map(\.description))
            #expect(documented == routes, "undocumented: \(routes.subtracting(documented).sorted())")
            #expect(paths.keys.allSatisfy { $0.hasPrefix(APIRoute.prefixPath) })
        }
    }

    @Test(
        "an API read has a strong ETag answered with 304, a short public Cache-Control and CORS; errors are readable across origins too",
        arguments: TestDatabase.all)
    func cachingAndCORS(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let path = APIRoute.petition(slug: TestInstance.seedSlug).path
            let first = try await browser.get(path)
            #expect(first.status == .ok)
            let etag = try #require(first.headers[.eTag])
            #expect(etag.wholeMatch(of: /"[0-9a-f]{32}"/) != nil, "ETag \(etag)")
            #expect(first.headers[.cacheControl] == CacheableResponse.briefly)
            #expect(first.headers[.accessControlAllowOrigin] == "*")

            // The same bytes, the same tag.
            #expect(try await browser.get(path).headers[.eTag] == etag)
            for held in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let revalidated = try await browser.get(path, headers: [.ifNoneMatch: held])
                #expect(revalidated.status == .notModified, "If-None-Match: \(held)")
                #expect(revalidated.body.isEmpty)
                #expect(revalidated.headers[.eTag] == etag)
                #expect(revalidated.headers[.cacheControl] == CacheableResponse.briefly)
                #expect(revalidated.headers[.accessControlAllowOrigin] == "*")
            }
            let stale = try await browser.get(path, headers: [.ifNoneMatch: "\"0123456789abcdef0123456789abcdef\""])
            #expect(stale.status == .ok)
            #expect(stale.body == first.body)

            let head = try await browser.send(path, method: .head, headers: [:], body: nil)
            #expect(head.status == .ok)
            #expect(head.body.isEmpty)
            #expect(head.headers[.eTag] == etag)
            #expect(head.headers[.accessControlAllowOrigin] == "*")

            let preflight = try await browser.send(
                path, method: .options,
                headers: [.origin: "https://elsewhere.example", .accessControlRequestMethod: "GET"], body: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            #expect(preflight.headers[.accessControlAllowMethods] == "GET, HEAD, OPTIONS")
            #expect(preflight.headers[.allow] == "GET, HEAD, OPTIONS")

            let post = try await browser.post(path, form: [])
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET, HEAD, OPTIONS")
            #expect(post.headers[.contentType] == "application/problem+json")

            let missing = try await browser.get(APIRoute.petition(slug: "no-such-petition").path)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect(missing.headers[.accessControlAllowOrigin] == "*")
            #expect(missing.headers[.cacheControl] == "no-store")
            #expect(missing.headers[.eTag] == nil)

            // A confirmation changes the bytes, and the tag with them: the old one is stale.
            try await browser.signAndConfirm(email: "etag@example.org")
            #expect(try await browser.apiCount() == 1)
            let counted = try await browser.get(path, headers: [.ifNoneMatch: etag])
            #expect(counted.status == .ok)
            #expect(counted.headers[.eTag] != etag)
            #expect(counted.body != first.body)
        }
    }

    @Test(
        "pages, organizer routes and other JSON carry no CORS header and answer no preflight",
        arguments: TestDatabase.all)
    func noCORSElsewhere(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let elsewhere: HTTPFields = [.origin: "https://elsewhere.example"]
            for path in [
                TestInstance.seedPath, AccountRoute.account.path, OrganizationRoute.newOrganization.path,
                SiteRoute.health.path, SiteRoute.logKey.path,
            ] {
                let page = try await browser.get(path, headers: elsewhere)
                #expect(page.headers[.accessControlAllowOrigin] == nil, "\(path)")
                #expect(page.headers[.eTag] == nil, "\(path)")
                let preflight = try await browser.send(path, method: .options, headers: elsewhere, body: nil)
                #expect(preflight.status != .noContent, "\(path)")
                #expect(preflight.headers[.accessControlAllowOrigin] == nil, "\(path)")
            }
        }
    }

    /// What a path item holds besides its operations.
    static let pathItemFields: Set<String> = ["summary", "description", "parameters", "servers", "$ref"]
}
