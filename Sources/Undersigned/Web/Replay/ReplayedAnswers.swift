import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers kept as they left the server, so that the next visitor who asks the same is
/// answered from the connection's own event loop (``ReplayHandler``), without the router, the
/// middlewares or a task. A petition's page and its figures in the API are asked for far more
/// often than they change, above all while the petition is shared widely.
///
/// A handler *offers* its answer with a check that what the answer was made from still holds
/// (the petition, its figures, a calm sign form); the answer is kept, every header included,
/// and sent again only while that check passes. A page's form token is made anew for each
/// visitor who is sent it: from their form cookie when they bring one, else with a new cookie.
/// Only requests that nothing but their route and languages tell apart are answered so
/// (``ReplayKey``).
///
/// A check that passed is not made again for a moment (20 ms by default) unless this instance
/// changed something since (``ChangeCounter``): a count moved by its commits, or a petition
/// changed here, shows at once; what other instances change, or the figures' age, shows that
/// moment later at most.
final class ReplayedAnswers: Sendable {
    typealias Visitor = CSRFProtection.Visitor

    /// An answer to send: its head, and its body in parts.
    struct Answer {
        let head: HTTPResponseHead
        let body: [ByteBuffer]
    }

    /// An answer offered, until it has left the server.
    struct Offer: Sendable {
        let serial: UInt64
        let visitor: Visitor?
        let stillHolds: @Sendable () -> Bool
    }

    private struct Kept: Sendable {
        /// Without its `Date`, its length and a new visitor's cookie, which each answer has anew.
        let head: HTTPResponseHead
        /// The body, cut where the visitor's form token was; whole for an answer without one.
        let pieces: [ByteBuffer]
        /// What surrounds a new visitor's cookie in the `Set-Cookie` given with it; `nil` for an
        /// answer made for a returning visitor, which serves only those.
        let newVisitorCookie: (before: String, after: String)?
        let check: Check
        let serial: UInt64

        /// Whether the body carries a visitor's form token, made anew for each visitor.
        var carriesFormToken: Bool { pieces.count > 1 }
    }

    /// An answer's check, and when it last passed.
    private final class Check: Sendable {
        let stillHolds: @Sendable () -> Bool
        /// Since ``epoch``, in nanoseconds; `Int64.min` before the first pass.
        private let passedAt = Atomic<Int64>(.min)
        /// The changes counted when it passed.
        private let passedWith = Atomic<UInt64>(.max)

        init(_ stillHolds: @escaping @Sendable () -> Bool) {
            self.stillHolds = stillHolds
        }

        func holds(changes: ChangeCounter, standing: Int64) -> Bool {
            let now = Self.nanoseconds(ContinuousClock.now - ReplayedAnswers.epoch)
            let counted = changes.current
            // The time is written first and the count last: a pass seen with the count read
            // here is seen with its time.
            if passedWith.load(ordering: .acquiring) == counted {
                let elapsed = now &- passedAt.load(ordering: .relaxed)
                if elapsed >= 0, elapsed < standing { return true }
            }
            guard stillHolds() else { return false }
            passedAt.store(now, ordering: .relaxed)
            passedWith.store(counted, ordering: .releasing)
            return true
        }

        static func nanoseconds(_ duration: Duration) -> Int64 {
            let (seconds, attoseconds) = duration.components
            return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
        }
    }

    private static let epoch = ContinuousClock.now

    private struct Offers {
        var next: UInt64 = 0
        var waiting: [UInt64: Offer] = [:]
    }

    /// At most this many answers, and this many offers on their way out, are kept: a request's
    /// languages are the visitor's to choose, and each one chosen would keep another answer.
    static let limit = 128
    /// A larger body is not kept: the pages and reads offered are a few tens of kilobytes.
    static let largestBody = 1 << 20

    private let offers = Mutex(Offers())
    private let kept = Mutex<[ReplayKey: Kept]>([:])
    private let dates = Mutex<(second: Int, text: String)>((-1, ""))
    private let visitors: CSRFProtection
    private let changes: ChangeCounter
    /// How long a passed check stands while this instance changes nothing the answers show, in nanoseconds.
    private let standing: Int64
    /// `name=` of the form cookie: a request whose only cookie it is may be answered too.
    let visitorCookiePrefix: String
    private let replayed: Counter

    /// - Parameters:
    ///   - changes: counts what this instance changes of what the answers show.
    ///   - recheckAfter: how long a passed check stands while `changes` does not move.
    init(
        visitors: CSRFProtection, changes: ChangeCounter, recheckAfter: Duration = .milliseconds(20),
        factory: any MetricsFactory
    ) {
        self.visitors = visitors
        self.changes = changes
        standing = Check.nanoseconds(recheckAfter)
        visitorCookiePrefix = visitors.cookieName + "="
        replayed = Counter(label: "undersigned_replayed_answers_total", factory: factory)
    }

    /// Marks `response` as an answer to keep while `stillHolds`, if its request is one that may
    /// be answered so (``ReplayHandler`` knows). `visitor` names the form cookie (given in its
    /// `Set-Cookie` to a new visitor) and token it was made for. The answer must not depend on
    /// the request's query but through `lang`, nor on its cookie but through the form's token
    /// (``ReplayKey``).
    func offer(
        _ response: inout Response, visitor: Visitor? = nil, while stillHolds: @escaping @Sendable () -> Bool
    ) {
        let serial = offers.withLock { offers in
            // Offers whose answers never left (their connection closed first) are dropped.
            if offers.waiting.count >= Self.limit { offers.waiting.removeAll() }
            offers.next &+= 1
            offers.waiting[offers.next] = Offer(serial: offers.next, visitor: visitor, stillHolds: stillHolds)
            return offers.next
        }
        response.headers[.replayOffer] = String(serial)
    }

    /// The offer an answer's marker names, no longer waiting.
    func claim(_ marker: String) -> Offer? {
        guard let serial = UInt64(marker) else { return nil }
        return offers.withLock { $0.waiting.removeValue(forKey: serial) }
    }

    /// Keeps an answer that left the server, made as `offer` says, for requests like `key`'s.
    func keep(_ head: HTTPResponseHead, body: ByteBuffer, for key: ReplayKey, offer: Offer) {
        var head = head
        var pieces = [body]
        var newVisitorCookie: (before: String, after: String)?
        var fields = HTTPHeaders()
        for (name, value) in head.headers {
            let lowercased = name.lowercased()
            if lowercased == "date" || lowercased == "content-length" { continue }
            if let visitor = offer.visitor, newVisitorCookie == nil, lowercased == "set-cookie",
                let cookie = value.firstRange(of: visitor.cookie)
            {
                newVisitorCookie = (String(value[..<cookie.lowerBound]), String(value[cookie.upperBound...]))
                continue
            }
            fields.add(name: name, value: value)
        }
        head.headers = Self.asOneField(fields)
        if let visitor = offer.visitor {
            pieces = Self.cut(body, at: visitor.formToken)
            // A page offered for a visitor carries their token; without it, it is not theirs.
            guard pieces.count > 1 else { return }
        }
        let answer = Kept(
            head: head, pieces: pieces, newVisitorCookie: newVisitorCookie,
            check: Check(offer.stillHolds), serial: offer.serial)
        kept.withLock { kept in
            // The answer kept longest gives way: requests for the busiest ones keep them anew.
            if kept.count >= Self.limit, kept[key] == nil,
                let oldest = kept.min(by: { $0.value.serial < $1.value.serial })?.key
            {
                kept[oldest] = nil
            }
            kept[key] = answer
        }
    }

    /// The answer kept for `key`, made for the visitor whose form cookie is `visitorCookie`, or
    /// for a new one, if what it was made from still holds.
    func answer(for key: ReplayKey, visitorCookie: String? = nil) -> Answer? {
        guard let answer = kept.withLock({ $0[key] }) else { return nil }
        guard answer.check.holds(changes: changes, standing: standing) else {
            kept.withLock { if $0[key]?.serial == answer.serial { $0[key] = nil } }
            return nil
        }
        var head = answer.head
        var body: [ByteBuffer]
        if answer.carriesFormToken {
            let visitor: Visitor
            if let visitorCookie {
                // A cookie this site does not give is replaced by the application.
                guard let returning = visitors.returningVisitor(cookie: visitorCookie) else { return nil }
                visitor = returning
            } else {
                // An answer made for a returning visitor has no cookie to give a new one.
                guard let cookie = answer.newVisitorCookie else { return nil }
                visitor = visitors.newVisitor()
                head.headers.add(name: "Set-Cookie", value: cookie.before + visitor.cookie + cookie.after)
            }
            // The pieces are sent as they are kept, with the token between them: no copy of the page.
            let token = ByteBuffer(string: visitor.formToken)
            body = []
            body.reserveCapacity(answer.pieces.count * 2 - 1)
            for (index, piece) in answer.pieces.enumerated() {
                if index > 0 { body.append(token) }
                body.append(piece)
            }
        } else {
            body = answer.pieces
        }
        head.headers.add(name: "Date", value: date())
        head.headers.add(name: "Content-Length", value: String(body.reduce(0) { $0 + $1.readableBytes }))
        replayed.increment()
        return Answer(head: head, body: body)
    }

    /// How many answers are kept now.
    var keptCount: Int { kept.withLock { $0.count } }

    /// `fields` carried as one: NIO's encoder writes a field as its name, `: `, its value and a
    /// line break, so the others, written so into the first one's value, leave the server byte
    /// for byte as they would one by one. The encoder's work grows with the number of fields,
    /// and a page has a dozen of them, the same for every visitor. None holds a line break of
    /// its own: the application makes them with Swift's HTTP types, which turn one into a space.
    private static func asOneField(_ fields: HTTPHeaders) -> HTTPHeaders {
        guard let (name, value) = fields.first, fields.count > 1 else { return fields }
        let others = fields.dropFirst().map { "\r\n\($0.name): \($0.value)" }
        return [name: value + others.joined()]
    }

    /// The body in pieces, without `token` wherever it was.
    private static func cut(_ body: ByteBuffer, at token: String) -> [ByteBuffer] {
        let needle = Array(token.utf8)
        guard !needle.isEmpty else { return [body] }
        var pieces: [ByteBuffer] = []
        var rest = body
        while let offset = rest.withUnsafeReadableBytes({ bytes in Self.offset(of: needle, in: bytes) }),
            let piece = rest.readSlice(length: offset)
        {
            pieces.append(piece)
            rest.moveReaderIndex(forwardBy: needle.count)
        }
        pieces.append(rest)
        return pieces
    }

    /// Where `needle` first is in `bytes`, found with the C library's `memchr` and `memcmp`: a
    /// page is tens of kilobytes, and its answer is kept again whenever what it shows is read anew.
    private static func offset(of needle: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, let first = needle.first, bytes.count >= needle.count else { return nil }
        let (needleCount, lastStart) = (needle.count, bytes.count - needle.count)
        var offset = 0
        return needle.withUnsafeBytes { needle -> Int? in
            guard let needle = needle.baseAddress else { return nil }
            while offset <= lastStart {
                guard let found = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return nil }
                offset = base.distance(to: UnsafeRawPointer(found))
                if memcmp(found, needle, needleCount) == 0 { return offset }
                offset += 1
            }
            return nil
        }
    }

    /// `Date` as HTTP writes it (RFC 9110), made once a second.
    private func date() -> String {
        let now = Date().timeIntervalSince1970.rounded(.down)
        let second = Int(exactly: now) ?? 0
        return dates.withLock { dates in
            if dates.second != second {
                dates = (second, UTCFields(Date(timeIntervalSince1970: Double(second))).text(zone: "GMT"))
            }
            return dates.text
        }
    }
}

/// What a request's answer may depend on when it can be answered from those kept: its route,
/// the language it picks with `?lang=`, and its browser's languages. Other parameters (the
/// `utm_source` or `fbclid` of a shared link) change nothing in an answer offered, and a link
/// shared widely carries a new one at each click. `nil` for any other request: not a `GET` of
/// HTTP/1.1, a long address or header, a query with more than letters, digits, `-._~` between
/// its `=` and `&`, or carrying what could change its answer (a cookie but the form's, a
/// validator, credentials, a range, a body) or how it is sent (a connection to close, an
/// upgrade).
struct ReplayKey: Hashable, Sendable {
    let route: Substring
    let pickedLanguage: Substring?
    let acceptLanguage: String?

    /// Longer addresses and language lists are not kept: each would keep another answer.
    static let longest = 256

    private init(route: Substring, pickedLanguage: Substring?, acceptLanguage: String?) {
        self.route = route
        self.pickedLanguage = pickedLanguage
        self.acceptLanguage = acceptLanguage
    }

    /// The key of a new visitor's request, or of a returning one's whose only cookie is the form
    /// cookie (`visitorCookiePrefix` is its `name=`), with that cookie's value.
    static func parse(_ request: HTTPRequestHead, visitorCookiePrefix: String?) -> (
        key: ReplayKey, visitorCookie: String?
    )? {
        // HTTP/1.0 has other rules for keeping a connection open; the application answers it.
        guard request.method == .GET, request.version == .http1_1, request.uri.utf8.first == UInt8(ascii: "/"),
            request.uri.utf8.count <= longest
        else { return nil }
        var acceptLanguage: String?
        var visitorCookie: String?
        for (name, value) in request.headers {
            // Lower-casing a name of 15 bytes or fewer allocates nothing.
            switch name.lowercased() {
            case "accept-language":
                guard acceptLanguage == nil, value.utf8.count <= longest else { return nil }
                acceptLanguage = value
            case "cookie":
                // Any other cookie (a session, a language picked) may change the answer.
                guard visitorCookie == nil, let prefix = visitorCookiePrefix, value.hasPrefix(prefix),
                    !value.utf8.contains(UInt8(ascii: ";"))
                else { return nil }
                visitorCookie = String(value.dropFirst(prefix.count))
            case "content-length":
                guard value == "0" else { return nil }
            case "connection":
                // Browsers say `keep-alive`; a connection to close is answered by the application.
                guard value == "keep-alive" || value.lowercased() == "keep-alive" else { return nil }
            case "authorization", "if-none-match", "if-match", "if-modified-since", "if-unmodified-since", "if-range",
                "range", "upgrade", "transfer-encoding", "expect":
                return nil
            default:
                break
            }
        }
        let uri = request.uri[...]
        var route = uri
        var pickedLanguage: Substring?
        if let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            route = uri[..<mark]
            let query = uri[uri.utf8.index(after: mark)...]
            // Escapes could spell `lang` as the application reads it and not as it is read here,
            // and what the application would refuse to read is left for it to refuse.
            guard query.utf8.allSatisfy(isPlainQueryByte) else { return nil }
            for parameter in query.split(separator: "&") where parameter.hasPrefix("lang") {
                guard pickedLanguage == nil, parameter.hasPrefix("lang=") else { return nil }
                pickedLanguage = parameter.dropFirst(5)
            }
        }
        let key = ReplayKey(route: route, pickedLanguage: pickedLanguage, acceptLanguage: acceptLanguage)
        return (key, visitorCookie)
    }

    /// Letters, digits, `-._~`, and the `=` and `&` between parameters.
    private static func isPlainQueryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"), UInt8(ascii: "="), UInt8(ascii: "&"):
            true
        default: false
        }
    }
}

extension HTTPField.Name {
    /// Marks an answer offered to ``ReplayedAnswers``; taken off before it leaves the server.
    static let replayOffer = Self("Undersigned-Replay-Offer")!
}
