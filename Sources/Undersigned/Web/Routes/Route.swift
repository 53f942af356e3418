import Foundation
import HTTPTypes
import Hummingbird

/// The routes of one feature, under one prefix, served by one router group. Each case is a
/// route with its parameters' values: the same declaration gives the router its pattern and
/// every link its path, so a path is spelled once.
public protocol RouteGroup: Hashable, Sendable {
    /// The words every path of the group starts with: its router group's path.
    static var prefix: [String] { get }
    /// Every route of the group, with empty values: what the router must serve.
    static var all: [Self] { get }
    /// The methods the route answers and its path below the prefix.
    var declaration: RouteDeclaration { get }
}

/// What a route answers: its methods, and its path below its group's prefix.
public struct RouteDeclaration: Sendable {
    let methods: [HTTPRequest.Method]
    let segments: [PathSegment]

    static func get(_ segments: PathSegment...) -> RouteDeclaration {
        RouteDeclaration(methods: [.get], segments: segments)
    }

    static func post(_ segments: PathSegment...) -> RouteDeclaration {
        RouteDeclaration(methods: [.post], segments: segments)
    }

    /// A page and what it posts to itself.
    static func getAndPost(_ segments: PathSegment...) -> RouteDeclaration {
        RouteDeclaration(methods: [.get, .post], segments: segments)
    }
}

/// The name of a path parameter, as its route's handler reads it.
enum PathParameter: String, Sendable {
    case slug, petition, id, token, language, file, code
}

/// One segment of a route's path: a fixed word, or a parameter with its value in a link.
public struct PathSegment: Sendable, Hashable, ExpressibleByStringLiteral {
    enum Kind: Sendable, Hashable {
        case word(String)
        case parameter(PathParameter, value: String)
    }

    let kind: Kind

    public init(stringLiteral word: String) {
        kind = .word(word)
    }

    private init(_ parameter: PathParameter, _ value: String) {
        kind = .parameter(parameter, value: value)
    }

    static func slug(_ value: String) -> PathSegment { PathSegment(.slug, value) }
    static func petition(_ value: String) -> PathSegment { PathSegment(.petition, value) }
    static func id(_ value: String) -> PathSegment { PathSegment(.id, value) }
    static func token(_ value: String) -> PathSegment { PathSegment(.token, value) }
    static func language(_ value: String) -> PathSegment { PathSegment(.language, value) }
    static func file(_ value: String) -> PathSegment { PathSegment(.file, value) }
    static func code(_ value: String) -> PathSegment { PathSegment(.code, value) }

    /// As a link writes it.
    var encoded: String {
        switch kind {
        case .word(let word): word
        case .parameter(_, let value): PathEncoding.segment(value)
        }
    }

    /// As the router reads it: `:name` for a parameter.
    var pattern: String {
        switch kind {
        case .word(let word): word
        case .parameter(let name, _): ":\(name.rawValue)"
        }
    }
}

extension RouteGroup {
    /// The route's path, every parameter's value percent-encoded to stay one segment.
    public var path: String {
        path(query: [:])
    }

    /// The path with a query (an item without a value is written as its name alone) and a
    /// fragment, each percent-encoded.
    public func path(query: KeyValuePairs<String, String?>, fragment: String? = nil) -> String {
        // Written into one string: every email and page builds several of these.
        var path = ""
        for segment in segments {
            path += "/"
            path += segment.encoded
        }
        if path.isEmpty { path = "/" }
        for (index, (name, value)) in query.enumerated() {
            path += index == 0 ? "?" : "&"
            path += PathEncoding.queryComponent(name)
            if let value {
                path += "="
                path += PathEncoding.queryComponent(value)
            }
        }
        if let fragment {
            path += "#"
            path += PathEncoding.queryComponent(fragment)
        }
        return path
    }

    /// The absolute address, for emails and other places read away from the site.
    public func url(on baseURL: URL, query: KeyValuePairs<String, String?> = [:]) -> String {
        baseURL.absoluteString + path(query: query)
    }

    /// The prefix as a path that the group's routes continue: `/org/`.
    static var prefixPath: String {
        "/" + prefix.map { $0 + "/" }.joined()
    }

    /// The pattern as the router describes its routes: `/org/{slug}`.
    var pattern: String {
        RouterPath(segments.map(\.pattern).joined(separator: "/")).description
    }

    /// What the router matches below the group's prefix.
    var routerPath: RouterPath {
        RouterPath(declaration.segments.map(\.pattern).joined(separator: "/"))
    }

    private var segments: [PathSegment] {
        Self.prefix.map { PathSegment(stringLiteral: $0) } + declaration.segments
    }
}

/// Percent-encoding of what a link carries from data: only unreserved characters stay as
/// they are (and `/` in a query, where it ends nothing), so a value can neither end its
/// segment or query item nor start another.
enum PathEncoding {
    static func segment(_ value: String) -> String {
        // Browsers and proxies read `.` and `..` as steps up the path, even percent-encoded,
        // and an empty segment changes the path's shape. No parameter takes such a value;
        // it is written as one that names nothing.
        if value.isEmpty || value == "." || value == ".." { return "%2E%2E%2E" }
        return encoded(value)
    }

    static func queryComponent(_ value: String) -> String {
        encoded(value, keepingSlash: true)
    }

    private static func encoded(_ value: String, keepingSlash: Bool = false) -> String {
        let kept = { (byte: UInt8) in isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) }
        // Slugs, ids and tokens need no escape: the same string, not a copy.
        if value.utf8.allSatisfy(kept) { return value }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 16)
        for byte in value.utf8 {
            if kept(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
