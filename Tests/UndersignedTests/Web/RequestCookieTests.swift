import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import Undersigned

@Suite("Reading one cookie of a request")
struct RequestCookieTests {
    private func request(_ cookieHeaders: [String]) -> Request {
        var fields = HTTPFields()
        for header in cookieHeaders { fields.append(HTTPField(name: .cookie, value: header)) }
        return Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer()))
    }

    @Test("finds the named cookie among others, in any Cookie header")
    func namedCookie() {
        let request = request([
            "undersigned_csrf_old=1; lang=fr;\t undersigned_csrf=abc=d; x=", "undersigned_csrf=later",
        ])
        #expect(request.cookie("undersigned_csrf") == "abc=d")
        #expect(request.cookie("x") == "")
        #expect(request.cookie("lang") == "fr")
        #expect(request.cookie("undersigned_csrf_old") == "1")
        #expect(request.cookie("undersigned") == nil)
        #expect(request.cookie("missing") == nil)
        #expect(self.request([]).cookie("lang") == nil)
    }

    /// Headers built from the characters that matter to the split (separators, spaces,
    /// tabs, a name's prefix, non-ASCII), each read by name as RFC 6265 reads a `Cookie`
    /// header: pairs split at `;`, a pair's name before its first `=`, its value after.
    @Test("reads every header as the cookie syntax says")
    func sameAsTheSyntax() {
        let pieces = ["a", "ab", "b", "=", ";", " ", "\t", "é", "; a=", "a=b", ";;", "=="]
        var random = SplitMix64(seed: 14)
        for _ in 0..<5_000 {
            let headers = (0..<random.below(3)).map { _ in
                (0..<random.below(9)).map { _ in pieces[random.below(pieces.count)] }.joined()
            }
            let request = request(headers)
            // As stored: a field's value loses its leading and trailing spaces.
            let pairs: [Substring] = request.headers[values: .cookie]
                .flatMap { header in header.split(separator: ";", omittingEmptySubsequences: false) }
                .map { (pair: Substring) in pair.drop { $0 == " " || $0 == "\t" } }
            for name in ["a", "ab", "b", "é"] {
                let expected = pairs.lazy.compactMap { (pair: Substring) -> String? in
                    guard let equals = pair.firstIndex(of: "="), pair[..<equals] == name else { return nil }
                    return String(pair[pair.index(after: equals)...])
                }.first
                #expect(request.cookie(name) == expected, "\(headers) \(name)")
            }
        }
    }
}
