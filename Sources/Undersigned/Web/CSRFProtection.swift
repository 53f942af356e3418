import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Cross-site request forgery defence for forms, without server-side sessions: a random
/// cookie, and in each form an HMAC of it that another site can neither read nor compute.
/// Cross-site POSTs are also refused by their `Origin` and `Sec-Fetch-Site` headers.
///
/// Over HTTPS the cookie is `Secure` and named with the `__Host-` prefix, which browsers
/// accept only from this very host, on `/`, without `Domain`: a neighbouring subdomain
/// cannot plant a cookie of its choosing and then forge the token that goes with it.
struct CSRFProtection: Sendable {
    static let fieldName = "csrf"

    private let keyedHash: KeyedHash
    let baseURL: URL
    let isSecure: Bool
    /// Read on every page: `URL.scheme` parses on each call.
    let cookieName: String
    /// The configured address's origin, as a browser writes it in `Origin`.
    private let ownOrigin: String

    init(key: SymmetricKey, baseURL: URL) {
        self.keyedHash = KeyedHash(key: key)
        self.baseURL = baseURL
        isSecure = baseURL.scheme == "https"
        cookieName = isSecure ? "__Host-undersigned_csrf" : "undersigned_csrf"
        ownOrigin = "\(baseURL.scheme ?? "http")://\(baseURL.host ?? "")\(baseURL.port.map { ":\($0)" } ?? "")"
    }

    /// A visitor's form cookie, and the token their forms carry.
    struct Visitor: Sendable {
        var cookie: String
        var formToken: String
    }

    /// The cookie value to use for this visitor, and the `Set-Cookie` to send if it is new.
    func session(for request: Request) -> (cookie: String, setCookie: String?) {
        if let existing = request.cookie(cookieName), Self.isWellFormed(existing) {
            return (existing, nil)
        }
        let value = newCookie()
        return (value, "\(cookieName)=\(value); Path=/; HttpOnly; SameSite=Lax\(isSecure ? "; Secure" : "")")
    }

    /// A cookie value for a new visitor, and their forms' token.
    func newVisitor() -> Visitor {
        let cookie = newCookie()
        return Visitor(cookie: cookie, formToken: token(forCookie: cookie))
    }

    /// A returning visitor's forms' token; `nil` for a cookie this site does not give, whose
    /// bearer is given a new one.
    func returningVisitor(cookie: String) -> Visitor? {
        guard Self.isWellFormed(cookie) else { return nil }
        return Visitor(cookie: cookie, formToken: token(forCookie: cookie))
    }

    private static func isWellFormed(_ cookie: String) -> Bool {
        cookie.utf8.count == 22 && Base64URL.decode(cookie) != nil
    }

    private func newCookie() -> String {
        let generator = SecureRandom()
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        return Base64URL.encode(withUnsafeBytes(of: random) { Array($0) })
    }

    func token(forCookie cookie: String) -> String {
        Base64URL.encode(keyedHash.code(for: Array(cookie.utf8)).prefix(16))
    }

    /// Whether a form submission comes from one of this site's own pages. Under
    /// `Referrer-Policy: no-referrer` browsers send `Origin: null` with every form POST, so
    /// a null origin proves nothing either way: the token and `Sec-Fetch-Site` decide then.
    func isValid(_ request: Request, submittedToken: String?) -> Bool {
        if let site = request.headers[.secFetchSite], site == "cross-site" { return false }
        if let origin = request.headers[.origin], origin != "null", !isOwnOrigin(origin, request: request) {
            return false
        }
        guard let cookie = request.cookie(cookieName), let submittedToken else { return false }
        return constantTimeEqual(Array(token(forCookie: cookie).utf8), Array(submittedToken.utf8))
    }

    private func isOwnOrigin(_ origin: String, request: Request) -> Bool {
        if origin == ownOrigin { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }
}
