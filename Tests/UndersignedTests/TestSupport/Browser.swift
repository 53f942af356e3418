import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import Undersigned

/// A test client with a cookie jar and a network address of its own (sent as
/// `X-Forwarded-For`), and the form-filling a person does in a browser.
final class Browser: Sendable {
    let client: any TestClientProtocol
    let mailbox: Mailbox
    let address: String
    private let cookies = Mutex<[String: String]>([:])

    init(client: any TestClientProtocol, mailbox: Mailbox, address: String = Browser.nextAddress()) {
        self.client = client
        self.mailbox = mailbox
        self.address = address
    }

    private static let addressCounter = Atomic<Int>(0)

    /// A fresh address in 198.18.0.0/15, the range set aside for tests of network devices.
    static func nextAddress() -> String {
        let index = addressCounter.wrappingAdd(1, ordering: .relaxed).newValue % 131_072
        return "198.\(18 + index / 65_536).\(index / 256 % 256).\(index % 256)"
    }

    struct Page: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        /// The body as it came, for files that are not text.
        var bytes: Data

        var location: String? { headers[.location] }

        /// Where the page's form posts to, as a browser would send it (without the fragment).
        var formAction: String? {
            guard let match = body.firstMatch(of: /<form method="post" action="([^"]*)"/) else { return nil }
            return String(match.output.1.split(separator: "#", maxSplits: 1)[0])
        }

        /// The proof-of-work difficulty the form asks for.
        var difficulty: Int? {
            body.firstMatch(of: /data-difficulty="([0-9]+)"/).flatMap { Int($0.output.1) }
        }

        /// The value of the form field `name` (the CSRF token, say).
        func field(_ name: String) -> String? {
            let pattern = #"name="\#(name)" value="([^"]*)""#
            guard let match = body.range(of: pattern, options: .regularExpression) else { return nil }
            let text = body[match]
            let start = text.range(of: #"value=""#)!.upperBound
            return String(text[start..<text.index(before: text.endIndex)])
        }
    }

    func get(_ path: String, headers: HTTPFields = [:]) async throws -> Page {
        try await send(path, method: .get, headers: headers, body: nil)
    }

    func post(_ path: String, form: [(String, String)], headers: HTTPFields = [:]) async throws -> Page {
        try await post(path, body: Self.encode(form), headers: headers)
    }

    func post(_ path: String, body: String, headers: HTTPFields = [:]) async throws -> Page {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var headers = headers
        if headers[.xForwardedFor] == nil { headers[.xForwardedFor] = address }
        let jar = cookies.withLock { $0 }
        if !jar.isEmpty, headers[.cookie] == nil {
            headers[.cookie] = jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await StallReport.during("\(method) \(path)") {
            try await client.execute(uri: path, method: method, headers: headers, body: body)
        }
        for setCookie in response.headers[values: .setCookie] {
            let pair = setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies.withLock { $0[String(pair[0])] = String(pair[1]) } }
        }
        return Page(
            status: response.status, headers: response.headers, body: String(buffer: response.body),
            bytes: Data(buffer: response.body))
    }

    /// Another person on the same site, with a cookie jar and an address of their own.
    func newVisitor() -> Browser {
        Browser(client: client, mailbox: mailbox)
    }

    /// The same person (cookies, address) on another instance of the site.
    func on(_ other: Browser) -> Browser {
        let copy = Browser(client: other.client, mailbox: other.mailbox, address: address)
        let jar = cookies.withLock { $0 }
        copy.cookies.withLock { $0 = jar }
        return copy
    }

    func forgetCookies() {
        cookies.withLock { $0.removeAll() }
    }

    func cookie(_ name: String) -> String? {
        cookies.withLock { $0[name] }
    }

    /// Sets a cookie as another site or an attacker might have planted it.
    func setCookie(_ name: String, _ value: String) {
        cookies.withLock { $0[name] = value }
    }

    static func encode(_ form: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(
            separator: "&")
    }

    // MARK: What a signer does

    /// Opens the petition and submits the sign form, solving its proof of work as the page's
    /// script does; returns the response to the POST.
    @discardableResult
    func sign(
        name: String = "Amal Haddad", email: String, country: String = "SY", showName: Bool = false,
        updates: Bool = false,
        slug: String = TestInstance.seedSlug
    ) async throws -> Page {
        let page = try await get("/p/\(slug)")
        #expect(page.status == .ok)
        let form = signForm(
            from: page, name: name, email: email, country: country, showName: showName, updates: updates)
        return try await post(try #require(page.formAction), form: form)
    }

    /// The sign form of `page` filled in, with its challenge solved.
    func signForm(
        from page: Page, name: String = "Amal Haddad", email: String, country: String = "SY", showName: Bool = false,
        updates: Bool = false
    ) -> [(String, String)] {
        let challenge = page.field("pow") ?? ""
        var form = [
            ("csrf", page.field("csrf") ?? ""), ("pow", challenge),
            ("powSolution", Self.solve(challenge, difficulty: page.difficulty ?? 0)),
            ("name", name), ("email", email), ("country", country),
        ]
        if showName { form.append(("showName", "on")) }
        if updates { form.append(("updates", "on")) }
        return form
    }

    /// What the worker script finds: the first counter that meets the difficulty.
    static func solve(_ challenge: String, difficulty: Int) -> String {
        var counter = 0
        while !ProofOfWork.isSolution(String(counter), to: challenge, difficulty: difficulty) { counter += 1 }
        return String(counter)
    }

    /// Opens the emailed link and presses the button; returns the response to the POST.
    @discardableResult
    func confirm(_ path: String) async throws -> Page {
        let page = try await get(path)
        #expect(page.status == .ok)
        return try await post(try #require(page.formAction), form: [("csrf", page.field("csrf") ?? "")])
    }

    /// Signs, waits for the email and confirms through it.
    func signAndConfirm(
        email: String, name: String = "Amal Haddad", country: String = "SY", slug: String = TestInstance.seedSlug
    ) async throws {
        let signed = try await sign(name: name, email: email, country: country, slug: slug)
        #expect(signed.status == .seeOther)
        let messages = try await mailbox.waitForMessages(to: email)
        let path = try #require(messages.compactMap(\.confirmationPath).last)
        let confirmed = try await confirm(path)
        #expect(confirmed.status == .seeOther)
    }

    /// The confirmed count, as the JSON API reports it.
    func apiCount(slug: String = TestInstance.seedSlug) async throws -> Int {
        let response = try await get("/api/v1/petitions/\(slug)")
        #expect(response.status == .ok)
        struct Resource: Decodable { var signatureCount: Int }
        return try JSONDecoder().decode(Resource.self, from: Data(response.body.utf8)).signatureCount
    }

    /// The confirmed count, as the petition page shows it.
    func pageCount(slug: String = TestInstance.seedSlug) async throws -> String? {
        let page = try await get("/p/\(slug)")
        guard let range = page.body.range(of: #"<strong class="count">[0-9,]+"#, options: .regularExpression) else {
            return nil
        }
        return String(page.body[range].dropFirst(#"<strong class="count">"#.count))
    }
}
