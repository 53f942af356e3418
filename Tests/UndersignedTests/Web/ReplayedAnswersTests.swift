import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Undersigned

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ReplayKey {
    /// A new visitor's request: one with no cookie.
    init?(_ request: HTTPRequestHead) {
        guard let parsed = Self.parse(request, visitorCookiePrefix: nil) else { return nil }
        self = parsed.key
    }
}

extension HTTPRequestHead {
    /// An HTTP/1.1 request for `uri`.
    static func get(_ uri: String, _ headers: HTTPHeaders = [:], method: HTTPMethod = .GET) -> Self {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }
}

extension ReplayedAnswers.Answer {
    var text: String { body.map { String(buffer: $0) }.joined() }

    /// The values of each field of the head as NIO's encoder writes it, by lower-cased name.
    func sentFields() throws -> [String: [String]] {
        let channel = EmbeddedChannel(handler: HTTPResponseEncoder())
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        var sent = ""
        while let bytes = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = bytes { sent += String(buffer: buffer) }
        }
        var fields: [String: [String]] = [:]
        for line in sent.components(separatedBy: "\r\n").dropFirst() where !line.isEmpty {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { throw ReplayedAnswersTests.MalformedField(line: line) }
            fields[parts[0].lowercased(), default: []].append(parts[1].trimmingCharacters(in: .whitespaces))
        }
        return fields
    }
}

/// A new visitor's petition page and the count API are answered from memory while what they
/// show holds; never with another visitor's form token, never with figures gone by.
@Suite("Answers sent again")
struct ReplayedAnswersTests {
    static let apiPath = "/api/v1/petitions/\(TestInstance.seedSlug)"

    /// Figures re-read only every minute: an answer is kept while they are fresh, and tests
    /// running side by side can leave seconds between two requests.
    static func figuresKept(_ settings: inout Settings, _: URL) {
        settings.figuresInterval = .seconds(60)
    }

    @Test(
        "a new visitor is sent the kept page with a form cookie and token of their own, a returning one with the token of their cookie, and each can sign",
        arguments: TestDatabase.all)
    func ownToken(database: TestDatabase) async throws {
        let instance = try await TestInstance(database, configure: Self.figuresKept)
        try await instance.run(.live) { browser in
            var visitors: [(Browser, Browser.Page)] = []
            let before = try await Self.replayed(browser)
            // Kept from the first visitor's answer, for as long as its figures are fresh.
            for _ in 0..<20 {
                let visitor = browser.newVisitor()
                visitors.append((visitor, try await visitor.get(TestInstance.seedPath)))
                if visitors.count >= 4, try await Self.replayed(browser) > before { break }
            }
            #expect(try await Self.replayed(browser) > before, "no page was sent again")

            let tokens = visitors.map { $0.1.field("csrf") }
            #expect(Set(tokens).count == visitors.count, "two visitors were given the same form token")
            for (index, (visitor, page)) in visitors.enumerated() {
                #expect(page.status == .ok)
                #expect(page.headers[values: .setCookie].count == 1)
                #expect(page.headers[.replayOffer] == nil)
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(page.headers[.contentLength] == String(page.bytes.count))
                #expect(page.headers[.date] != nil)
                let signed = try await visitor.post(
                    try #require(page.formAction),
                    form: visitor.signForm(from: page, email: "again\(index)@example.org"))
                #expect(signed.status == .seeOther, "visitor \(index)'s token was refused")
            }

            // A returning visitor brings their cookie: the kept page, with their own token.
            _ = try await browser.newVisitor().get(TestInstance.seedPath)
            let (returning, firstPage) = try #require(visitors.first)
            let beforeReturn = try await Self.replayed(browser)
            let again = try await returning.get(TestInstance.seedPath)
            #expect(try await Self.replayed(browser) > beforeReturn, "the returning visitor's page was not sent again")
            #expect(again.headers[.setCookie] == nil)
            #expect(again.field("csrf") == firstPage.field("csrf"))
            let signedAgain = try await returning.post(
                try #require(again.formAction), form: returning.signForm(from: again, email: "returning@example.org"))
            #expect(signedAgain.status == .seeOther)
        }
    }

    @Test(
        "the kept page and count API show a confirmation as soon as it is committed",
        arguments: TestDatabase.all)
    func followTheCount(database: TestDatabase) async throws {
        let instance = try await TestInstance(database, configure: Self.figuresKept)
        try await instance.run(.live) { browser in
            let email = "followed@example.org"
            #expect(try await browser.sign(email: email).status == .seeOther)
            let messages = try await browser.mailbox.waitForMessages(to: email)
            let link = try await browser.get(try #require(messages.compactMap(\.confirmationPath).last))
            let token = try #require(link.field("csrf"))

            // Kept just before the confirmation, showing no signature.
            let before = try await Self.replayed(browser)
            var page = try await browser.newVisitor().get(TestInstance.seedPath)
            var api = try await browser.newVisitor().get(Self.apiPath)
            for _ in 0..<20 where try await Self.replayed(browser) < before + 2 {
                page = try await browser.newVisitor().get(TestInstance.seedPath)
                api = try await browser.newVisitor().get(Self.apiPath)
            }
            #expect(try await Self.replayed(browser) >= before + 2, "the page and the API were not sent again")
            #expect(page.body.contains(#"<strong class="count">0</strong>"#))
            #expect(api.body.contains(#""signatureCount":0"#))

            let confirmed = try await browser.post(try #require(link.formAction), form: [("csrf", token)])
            #expect(confirmed.status == .seeOther)
            page = try await browser.newVisitor().get(TestInstance.seedPath)
            api = try await browser.newVisitor().get(Self.apiPath)
            #expect(page.body.contains(#"<strong class="count">1</strong> confirmed signature</span>"#))
            #expect(api.body.contains(#""signatureCount":1"#))
        }
    }

    @Test(
        "a request that could be answered from memory, sent behind one the application answers, is answered after it")
    func pipelined() async throws {
        let instance = try await TestInstance(.sqlite, configure: Self.figuresKept)
        try await instance.serve { port in
            let page = "GET \(TestInstance.seedPath) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            let countries = "GET \(TestInstance.seedPath)/countries HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            let last = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            // The page is kept, then asked for behind a request that the application answers.
            _ = try await Self.exchange(port: port, page + page + last)
            let answers = try await Self.exchange(port: port, countries + page + page + last)
            let heads = answers.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            #expect(heads == ["200", "200", "200", "200"])
            let table = try #require(answers.range(of: #"<table class="countries">"#))
            let form = try #require(answers.range(of: #"name="csrf""#))
            #expect(table.lowerBound < form.lowerBound, "the page was answered before the request sent ahead of it")
        }
    }

    @Test("only a GET with nothing but its route and languages to tell it apart is answered from memory")
    func eligibleRequests() throws {
        func request(_ headers: HTTPHeaders = [:], path: String = "/p/a?lang=fr", method: HTTPMethod = .GET)
            -> HTTPRequestHead
        {
            .get(path, headers, method: method)
        }
        let plain = try #require(ReplayKey(request(["Accept-Language": "fr-FR,fr;q=0.9", "User-Agent": "test"])))
        #expect(plain.route == "/p/a" && plain.pickedLanguage == "fr" && plain.acceptLanguage == "fr-FR,fr;q=0.9")
        #expect(ReplayKey(request(["Connection": "keep-alive"])) != nil)
        #expect(ReplayKey(request(["accept-language": "fr"])) == ReplayKey(request(["ACCEPT-LANGUAGE": "fr"])))
        // A shared link's parameters are not the page's.
        #expect(ReplayKey(request(path: "/p/a?utm_source=x&fbclid=y")) == ReplayKey(request(path: "/p/a")))
        #expect(ReplayKey(request(path: "/p/a?fbclid=y&lang=fr")) == ReplayKey(request(path: "/p/a?lang=fr")))
        #expect(ReplayKey(request(method: .HEAD)) == nil)
        #expect(ReplayKey(request(method: .POST)) == nil)
        #expect(ReplayKey(HTTPRequestHead(version: .http1_0, method: .GET, uri: "/p/a")) == nil)
        for path in [
            "/p/a?l%61ng=fr", "/p/a?lang=fr&lang=en", "/p/a?lang", "/p/a?language=fr", "/p/a?x=a+b", "/p/a?x=<b>",
            "/p/a?x=\"", "http://undersigned.test/p/a", "*",
            "/p/a?x=" + String(repeating: "y", count: ReplayKey.longest),
        ] {
            #expect(ReplayKey(request(path: path)) == nil, "\(path) was answered from memory")
        }
        // A returning visitor's form cookie alone is read; any other cookie may change the page.
        let returning = try #require(
            ReplayKey.parse(request(["Cookie": "undersigned_csrf=abc"]), visitorCookiePrefix: "undersigned_csrf="))
        #expect(returning.key == ReplayKey(request()) && returning.visitorCookie == "abc")
        for cookie in ["undersigned_csrf=abc; undersigned_lang=fr", "undersigned_session=abc", "other=1"] {
            #expect(ReplayKey.parse(request(["Cookie": cookie]), visitorCookiePrefix: "undersigned_csrf=") == nil)
        }
        for refused: HTTPHeaders in [
            ["Cookie": "undersigned_csrf=x"], ["If-None-Match": "\"x\""], ["Authorization": "Bearer x"],
            ["Connection": "close"], ["Range": "bytes=0-1"], ["Content-Length": "3"], ["Transfer-Encoding": "chunked"],
            ["if-unmodified-since": "yesterday"], ["Accept-Language": "fr", "accept-language": "en"],
            ["Accept-Language": String(repeating: "fr,", count: ReplayKey.longest)],
        ] {
            #expect(ReplayKey(request(refused)) == nil, "\(refused) was answered from memory")
        }
    }

    @Test(
        "a check that passed stands for a moment, unless this instance changes what the answers show: then it is made again"
    )
    func checkStands() throws {
        let key = try #require(ReplayKey(.get("/p/a")))
        let holds = Locked(true)
        let checks = Locked(0)
        let offer = ReplayedAnswers.Offer(serial: 1, visitor: nil) {
            checks.withLock { $0 += 1 }
            return holds.value
        }
        let changes = ChangeCounter()
        let answers = ReplayedAnswers(
            visitors: Self.csrf, changes: changes, recheckAfter: .seconds(3600), factory: NOOPMetricsHandler.instance)
        answers.keep(Self.ok(), body: ByteBuffer(string: "page"), for: key, offer: offer)
        for _ in 0..<3 { #expect(answers.answer(for: key) != nil) }
        #expect(checks.value == 1)
        holds.withLock { $0 = false }
        #expect(answers.answer(for: key) != nil, "checked again before its moment was over")
        changes.note()
        #expect(answers.answer(for: key) == nil)
        #expect(checks.value == 2)

        // Once its moment is over, it is checked again.
        let brief = ReplayedAnswers(
            visitors: Self.csrf, changes: changes, recheckAfter: .milliseconds(1), factory: NOOPMetricsHandler.instance)
        holds.withLock { $0 = true }
        brief.keep(Self.ok(), body: ByteBuffer(string: "page"), for: key, offer: offer)
        #expect(brief.answer(for: key) != nil)
        holds.withLock { $0 = false }
        usleep(5_000)
        #expect(brief.answer(for: key) == nil)
    }

    @Test("a petition changed here is counted as a change of what the answers show")
    func catalogChanges() throws {
        let changes = ChangeCounter()
        let catalog = PetitionCatalog(store: SlowCounterStore(readDelay: .zero), changes: changes)
        catalog.forget(try SeedPetition.load(createdAt: Date()))
        #expect(changes.current == 1)
    }

    @Test("a connection whose answers are not read gets no more from memory: its requests wait for the application")
    func unreadAnswers() throws {
        let answers = ReplayedAnswers(
            visitors: Self.csrf, changes: ChangeCounter(), factory: NOOPMetricsHandler.instance)
        let request = HTTPRequestHead.get("/p/a")
        answers.keep(
            Self.ok(), body: ByteBuffer(string: "page"), for: try #require(ReplayKey(request)),
            offer: .init(serial: 1, visitor: nil, stillHolds: { true }))
        let channel = EmbeddedChannel(handler: ReplayHandler(answers: answers))
        defer { _ = try? channel.finish() }

        try channel.writeInbound(HTTPServerRequestPart.head(request))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil, "a kept answer was not used")
        guard case .head(let head)? = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no answer from memory")
            return
        }
        #expect(head.status == .ok)
        while try channel.readOutbound(as: HTTPServerResponsePart.self) != nil {}

        channel.isWritable = false
        try channel.writeInbound(HTTPServerRequestPart.head(request))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        #expect(
            try channel.readOutbound(as: HTTPServerResponsePart.self) == nil, "answered while answers pile up unread")
        guard case .head? = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("the request was not passed on to the application")
            return
        }
    }

    @Test(
        "a kept page is sent with a new visitor's cookie and token, or a returning one's token; only while its check holds; and no more answers are kept than the limit"
    )
    func keptWhileItHolds() throws {
        // Checked at every answer.
        let answers = ReplayedAnswers(
            visitors: Self.csrf, changes: ChangeCounter(), recheckAfter: .zero, factory: NOOPMetricsHandler.instance)
        let holds = Locked(true)
        let key = try #require(ReplayKey(.get("/p/a")))
        let first = Self.csrf.newVisitor()
        let head = Self.ok([
            "Set-Cookie": "undersigned_lang=fr; Path=/", "set-cookie": "undersigned_csrf=\(first.cookie); Path=/",
            "Date": "yesterday", "content-length": "1", "Vary": "Cookie",
        ])
        answers.keep(
            head, body: ByteBuffer(string: "<a>\(first.formToken)</a><b>\(first.formToken)</b>"), for: key,
            offer: .init(serial: 1, visitor: first, stillHolds: { holds.value }))

        let answer = try #require(answers.answer(for: key))
        let sent = try answer.sentFields()
        let setCookies = sent["set-cookie"] ?? []
        #expect(setCookies.count == 2 && setCookies.contains("undersigned_lang=fr; Path=/"))
        let cookies = setCookies.compactMap { $0.firstMatch(of: /^undersigned_csrf=([^;]+); Path=\/$/)?.output.1 }
        let cookie = try #require(cookies.first)
        #expect(cookie != first.cookie)
        let token = Self.csrf.token(forCookie: String(cookie))
        #expect(answer.text == "<a>\(token)</a><b>\(token)</b>")
        #expect(sent["date"]?.count == 1 && sent["date"] != ["yesterday"])
        #expect(sent["content-length"] == [String(answer.text.utf8.count)])
        #expect(sent["vary"] == ["Cookie"])
        #expect(sent.count == 4, "other fields than those kept and made anew: \(sent.keys)")

        let returning = Self.csrf.newVisitor()
        let again = try #require(answers.answer(for: key, visitorCookie: returning.cookie))
        #expect(try again.sentFields()["set-cookie"] == ["undersigned_lang=fr; Path=/"])
        #expect(again.text == "<a>\(returning.formToken)</a><b>\(returning.formToken)</b>")
        #expect(answers.answer(for: key, visitorCookie: "not one of ours") == nil)

        // Made for a returning visitor, it has no cookie to give: only returning visitors get it.
        let byReturning = Self.csrf.newVisitor()
        answers.keep(
            Self.ok(), body: ByteBuffer(string: "<a>\(byReturning.formToken)</a>"), for: key,
            offer: .init(serial: 2, visitor: byReturning, stillHolds: { holds.value }))
        #expect(answers.answer(for: key) == nil)
        let other = try #require(answers.answer(for: key, visitorCookie: returning.cookie))
        #expect(other.text == "<a>\(returning.formToken)</a>")
        #expect(try other.sentFields()["set-cookie"] == nil)

        holds.withLock { $0 = false }
        #expect(answers.answer(for: key, visitorCookie: returning.cookie) == nil)
        #expect(answers.keptCount == 0)

        for index in 0..<(ReplayedAnswers.limit + 10) {
            let other = try #require(ReplayKey(.get("/p/\(index)")))
            answers.keep(
                Self.ok(), body: ByteBuffer(string: "{}"), for: other,
                offer: .init(serial: UInt64(index), visitor: nil, stillHolds: { true }))
        }
        #expect(answers.keptCount <= ReplayedAnswers.limit)
    }

    struct MalformedField: Error {
        let line: String
    }

    static func ok(_ headers: HTTPHeaders = [:]) -> HTTPResponseHead {
        HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
    }

    static let csrf = CSRFProtection(
        key: SymmetricKey(size: .bits256), baseURL: URL(string: "http://undersigned.test")!)

    /// How many answers the instance has sent from memory, as `/metrics` says.
    static func replayed(_ browser: Browser) async throws -> Int {
        let metrics = try await browser.newVisitor().get("/metrics").body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("undersigned_replayed_answers_total ") }
        return line.flatMap { Double($0.split(separator: " ")[1]) }.map { Int($0) } ?? 0
    }

    /// Sends `requests` in one write on one connection and reads until the server closes it.
    static func exchange(port: Int, _ requests: String) async throws -> String {
        try await RawHTTP.stream(port: port, raw: requests) { _ in false }
    }
}
