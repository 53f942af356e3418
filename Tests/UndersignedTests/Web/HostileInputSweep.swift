import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Testing

@testable import Undersigned

/// The requests of the hostile-input sweep: for each route, its parameters filled with values
/// that reach the handler, then each parameter, query parameter and form field in turn given
/// every hostile value.
struct Sweep: Sendable {
    typealias Actor = HostileInputSweepTests.Actor

    static let log: Logger = {
        var logger = Logger(label: "undersigned.sweep")
        logger.logLevel =
            ProcessInfo.processInfo.environment["UNDERSIGNED_SWEEP_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? .notice
        return logger
    }()

    /// How much hostile input each parameter and field is given. `full` (scripts/sweep) sends
    /// every value to every one of them; `brief`, the default, sends each a share: half of the
    /// sharpest values and a fifth of the others, dealt out in turn so that every value still
    /// reaches many parameters and fields of each kind, on each database, in a third of the time.
    enum Breadth: String, Sendable {
        case brief, full

        static let chosen =
            ProcessInfo.processInfo.environment["UNDERSIGNED_SWEEP"].flatMap(Breadth.init(rawValue:)) ?? .brief

        /// The values for one parameter or field, named by its route and name so that the
        /// choice is the same on every run.
        func values(for slot: String) -> [String] {
            guard self == .brief else { return HostileInput.values }
            let others = HostileInput.values.filter { !HostileInput.sharpValues.contains($0) }
            return sharpValues(for: slot) + Self.share(of: others, every: 5, for: slot)
        }

        /// The sharpest values, for one parameter or field.
        func sharpValues(for slot: String) -> [String] {
            half(of: HostileInput.sharpValues, for: slot)
        }

        /// Malformed bodies and the like: every one, or half of them when brief.
        func half<Item>(of items: [Item], for slot: String) -> [Item] {
            self == .brief ? Self.share(of: items, every: 2, for: slot) : items
        }

        /// One in `every` of `values`, which ones turning with `slot`.
        private static func share<Item>(of values: [Item], every: UInt64, for slot: String) -> [Item] {
            // FNV-1a: Swift's own hashing differs from one process to the next.
            let turn = slot.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } % every
            return values.enumerated().filter { UInt64($0.offset) % every == turn }.map(\.element)
        }
    }

    /// A route as the router describes it: `{name}` for each parameter.
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var pattern: String
    }

    /// A route with valid values for its parameters.
    struct Target: Sendable {
        var method: HTTPRequest.Method
        var pattern: String
        var parameters: [(name: String, value: String)]
        var fields: [String]
        var multipart: Bool
        /// Only the first filling of a route sweeps its path and query: the others differ
        /// in what the path names (a draft or an open petition), not in how it is read.
        var sweepsPath: Bool

        func path(replacing name: String? = nil, with value: String = "") -> String {
            var path = pattern.replacingOccurrences(of: "**", with: "x").replacingOccurrences(of: "*", with: "x")
            for parameter in parameters {
                path = path.replacingOccurrences(
                    of: "{\(parameter.name)}", with: parameter.name == name ? value : parameter.value)
            }
            return path
        }
    }

    let database: TestDatabase
    let viewerID: UUID
    let bystanderID: UUID
    let pool: PetitionPool
    let tokens: [String: String]
    /// How many requests got each status, to see that handlers were reached.
    let statuses: Locked<[Int: Int]>

    /// Each route's fillings. Routes that only read share the pool's first petitions; each
    /// route that may change a petition takes petitions of its own.
    func targets(_ routes: [Route]) -> [Target] {
        var next = (organization: 0, admin: 0)
        return routes.flatMap { route -> [Target] in
            let pattern = route.pattern
            let names = pattern.matches(of: /\{([A-Za-z0-9_]+)\}/).map { String($0.output.1) }
            var index = 0
            if names.contains("petition"), route.method != .get {
                if pattern.hasPrefix("/admin/") {
                    next.admin += 1
                    index = next.admin
                } else {
                    next.organization += 1
                    index = next.organization
                }
            }
            var fillings: [[(name: String, value: String)]] = [[]]
            for name in names {
                let values = valid(name, in: pattern, index: index)
                fillings = fillings.flatMap { filling in values.map { filling + [(name: name, value: $0)] } }
            }
            let (fields, multipart) = HostileInput.fields(forRoute: pattern)
            return fillings.enumerated().map { index, filling in
                Target(
                    method: route.method, pattern: pattern, parameters: filling, fields: fields, multipart: multipart,
                    sweepsPath: index == 0)
            }
        }
    }

    private func valid(_ name: String, in pattern: String, index: Int) -> [String] {
        switch name {
        case "slug": [pattern.hasPrefix("/org/") ? "acme" : TestInstance.seedSlug]
        case "petition": pattern.hasPrefix("/admin/") ? [pool.inReview[index]] : [pool.drafts[index], pool.open[index]]
        case "token": [tokens.first { pattern.hasPrefix($0.key) }?.value ?? "AAAAAAAAAAAAAAAAAAAAAA"]
        case "id" where pattern.contains("/members/"): [viewerID.text]
        case "id" where pattern.hasPrefix("/admin/accounts/"): [bystanderID.text]
        case "id": [UUID().text]
        case "file": ["app.css"]
        default: ["ABCDEFGH"]
        }
    }

    /// Sweeps every target as `actor`; returns what answered 5xx or failed.
    func run(_ targets: [Target], as actor: Actor, browser: Browser) async throws -> [String] {
        var failures: [String] = []
        var csrf = try await token(of: browser)
        let shown = try await Self.forms(shownOn: targets, browser: browser)
        for target in targets {
            Self.log.debug(
                "sweep",
                metadata: ["db": "\(database)", "as": "\(actor)", "route": "\(target.method) \(target.pattern)"])
            let started = ContinuousClock.now
            defer {
                Self.log.info(
                    "swept",
                    metadata: [
                        "db": "\(database)", "as": "\(actor)", "route": "\(target.method) \(target.pattern)",
                        "took": "\(ContinuousClock.now - started)",
                    ])
            }
            var form = (fields: target.fields, multipart: target.multipart)
            if target.method == .post,
                let rendered = try await Self.renderedForm(posting: target, shown: shown, browser: browser)
            {
                form = rendered
            }
            failures += await sweep(target, form: form, as: actor, browser: browser, csrf: csrf)
            // A route may have signed the actor out: sign in again for the next.
            if actor != .anonymous, target.method == .post, try await browser.get("/account").status != .ok {
                #expect(try await browser.signIn("\(actor)@example.org").status == .seeOther)
                csrf = try await token(of: browser)
            }
        }
        return failures
    }

    private func token(of browser: Browser) async throws -> String {
        try #require(try await browser.get("/account/reset").field("csrf"))
    }

    /// A form of a page as an actor is shown it.
    struct ShownForm: Sendable {
        var action: String
        var fields: Set<String>
        var multipart: Bool
    }

    static func forms(in body: String) -> [ShownForm] {
        body.matches(of: /<form([^>]*)>([\s\S]*?)<\/form>/).compactMap { form in
            let attributes = String(form.output.1)
            guard attributes.contains(#"method="post""#), let action = attributes.firstMatch(of: /action="([^"#?]*)/)
            else { return nil }
            return ShownForm(
                action: String(action.output.1),
                fields: Set(String(form.output.2).matches(of: /name="([^"]+)"/).map { String($0.output.1) }),
                multipart: attributes.contains("multipart/form-data"))
        }
    }

    /// The forms of the pages of every GET route, as this actor is shown them.
    static func forms(shownOn targets: [Target], browser: Browser) async throws -> [ShownForm] {
        var shown: [ShownForm] = []
        for target in targets where target.method == .get && target.sweepsPath {
            shown += forms(in: try await browser.get(target.path()).body)
        }
        return shown
    }

    /// The fields of the forms posting to `target`: on its own page, the one above it, or any
    /// page the actor is shown; those posting to its very path if any, else to its route.
    /// `nil` when no page has such a form.
    static func renderedForm(posting target: Target, shown: [ShownForm], browser: Browser) async throws -> (
        fields: [String], multipart: Bool
    )? {
        let path = target.path()
        var candidates = shown
        let parent = "/" + path.split(separator: "/").dropLast().joined(separator: "/")
        for page in Set([path, parent]) { candidates += forms(in: try await browser.get(page).body) }
        var matching = candidates.filter { $0.action == path }
        if matching.isEmpty { matching = candidates.filter { sameShape($0.action, target.pattern) } }
        guard !matching.isEmpty else { return nil }
        return (
            distinctShapes(matching.reduce(into: Set<String>()) { $0.formUnion($1.fields) }),
            matching.contains(where: \.multipart)
        )
    }

    /// Whether an action has the literal segments of a route's pattern (`{name}` for its parameters).
    static func sameShape(_ action: String, _ pattern: String) -> Bool {
        let left = action.split(separator: "/")
        let right = pattern.split(separator: "/")
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { $0 == $1 || $1.hasPrefix("{") }
    }

    /// One field of each shape: `target-2-name` is read as `target-0-name` is.
    static func distinctShapes(_ fields: Set<String>) -> [String] {
        var shapes: Set<String> = []
        return fields.sorted().filter { shapes.insert($0.replacing(/[0-9]+/, with: "#")).inserted }
    }

    private func sweep(
        _ target: Target, form: (fields: [String], multipart: Bool), as actor: Actor, browser: Browser, csrf: String
    ) async -> [String] {
        var failures: [String] = []
        let context =
            "\(target.method) \(target.pattern) as \(actor) [\(target.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))]"
        let plausible =
            [("csrf", csrf)]
            + form.fields.filter { $0 != "csrf" }.map { ($0, Self.encoded(HostileInput.plausible($0))) }
        @discardableResult
        func send(
            _ what: String, path: String, body: [UInt8]? = nil,
            contentType: String = "application/x-www-form-urlencoded"
        ) async -> Browser.Page? {
            Self.log.trace("sweep request", metadata: ["what": "\(what)", "path": "\(path.prefix(200))"])
            var headers: HTTPFields = [.xForwardedFor: Browser.nextAddress()]
            var buffer: ByteBuffer?
            if target.method == .post {
                headers[.contentType] = contentType
                buffer = ByteBuffer(bytes: body ?? Array(HostileInput.urlEncoded(plausible).readableBytesView))
            }
            do {
                let page = try await browser.send(path, method: target.method, headers: headers, body: buffer)
                statuses.withLock { $0[page.status.code, default: 0] += 1 }
                if page.status.code >= 500 { failures.append("\(context), \(what): \(page.status.code)") }
                return page
            } catch {
                failures.append("\(context), \(what): \(error)")
                return nil
            }
        }
        func group(_ name: String) {
            Self.log.debug("sweep group", metadata: ["request": "\(context)", "hostile": "\(name)"])
        }

        group("none")
        let baseline = await send("valid values", path: target.path())
        // Turned away before the handler (sign in first, or not allowed): only the path is read.
        let turnedAway =
            baseline.map {
                [.unauthorized, .forbidden].contains($0.status) || $0.location?.hasPrefix("/account/sign-in") == true
            } ?? false
        if target.sweepsPath {
            for parameter in target.parameters {
                group("path parameter \(parameter.name)")
                let values =
                    turnedAway
                    ? Breadth.chosen.sharpValues(for: "\(target.pattern) \(parameter.name)")
                    : Breadth.chosen.values(for: "\(target.pattern) \(parameter.name)")
                for value in values {
                    await send(
                        "\(parameter.name)=\(Self.describe(value))",
                        path: target.path(replacing: parameter.name, with: value))
                }
            }
        }
        if turnedAway { return failures }
        if target.sweepsPath {
            let names = HostileInput.controllerNames.query.sorted()
            group("query parameters \(names)")
            let values =
                target.method == .get
                ? Breadth.chosen.values(for: "\(target.pattern) ?")
                : Breadth.chosen.sharpValues(for: "\(target.pattern) ?")
            for value in values {
                let query = names.map { "\($0)=\(value)" }.joined(separator: "&")
                await send("every query parameter \(Self.describe(value))", path: target.path() + "?" + query)
            }
            if target.method == .get {
                for name in names {
                    for value in Breadth.chosen.sharpValues(for: "\(target.pattern) ?\(name)") {
                        await send("query \(name)=\(Self.describe(value))", path: target.path() + "?\(name)=\(value)")
                    }
                    await send("query \(name) twice", path: target.path() + "?\(name)=1&\(name)=\(Int.min)")
                }
            }
        }
        guard target.method == .post else { return failures }
        for (index, field) in plausible.enumerated() {
            group("form field \(field.0)")
            let values =
                field.0 == "csrf"
                ? Breadth.chosen.sharpValues(for: "\(target.pattern) \(field.0)")
                : Breadth.chosen.values(for: "\(target.pattern) \(field.0)")
            for value in values {
                var hostile = plausible
                hostile[index].1 = value
                await send(
                    "\(field.0)=\(Self.describe(value))", path: target.path(),
                    body: Array(HostileInput.urlEncoded(hostile).readableBytesView))
                if form.multipart {
                    await send(
                        "\(field.0)=\(Self.describe(value)) as multipart", path: target.path(),
                        body: Array(HostileInput.multipart(hostile).readableBytesView),
                        contentType: "multipart/form-data; boundary=\(HostileInput.boundary)")
                }
            }
            let duplicates = [[(field.0, "\(Int.min)"), field], [field, (field.0, "-1")]]
            for duplicate in Breadth.chosen.half(of: duplicates, for: "\(target.pattern) \(field.0) twice") {
                await send(
                    "\(field.0) twice", path: target.path(),
                    body: Array(HostileInput.urlEncoded(plausible + duplicate).readableBytesView))
            }
        }
        group("malformed bodies")
        for body in Breadth.chosen.half(of: HostileInput.brokenURLEncoded(csrf: csrf), for: "\(target.pattern) body") {
            await send(
                "form body \(Self.describe(String(decoding: body.prefix(40), as: UTF8.self)))", path: target.path(),
                body: body)
        }
        await send(
            "valid multipart", path: target.path(), body: Array(HostileInput.multipart(plausible).readableBytesView),
            contentType: "multipart/form-data; boundary=\(HostileInput.boundary)")
        let brokenMultipart = Array(HostileInput.brokenMultipart(csrf: csrf).enumerated())
        for (index, broken) in Breadth.chosen.half(of: brokenMultipart, for: "\(target.pattern) multipart") {
            await send(
                "malformed multipart #\(index)", path: target.path(), body: broken.body, contentType: broken.contentType
            )
        }
        return failures
    }

    private static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(
            withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    private static func describe(_ value: String) -> String {
        value.utf8.count > 40 ? "\(value.prefix(12))… (\(value.utf8.count) bytes)" : "'\(value)'"
    }
}
