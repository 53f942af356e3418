import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A public read's answer: its bytes with a strong `ETag` drawn from them and a `Cache-Control`.
/// A client or cache that already holds those bytes, and names their ETag in `If-None-Match`,
/// gets `304 Not Modified` without them.
enum CacheableResponse {
    /// Fresh for a few seconds: counts move all the time, and revalidating costs the client a 304.
    static let briefly = "public, max-age=10"
    static let jsonType = "application/json; charset=utf-8"

    static func json(_ value: some Encodable, request: Request) throws -> Response {
        response(
            EncodedAnswer(try AppRequestContext.encoder.encode(value)), contentType: jsonType, request: request,
            cacheControl: briefly)
    }

    static func response(_ answer: EncodedAnswer, contentType: String, request: Request, cacheControl: String)
        -> Response
    {
        let headers: HTTPFields = [.eTag: answer.etag, .cacheControl: cacheControl]
        if matches(request.headers[values: .ifNoneMatch], answer.etag) {
            return Response(status: .notModified, headers: headers)
        }
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: answer.bytes))
    }

    /// `If-None-Match` compares weakly (RFC 9110, 13.1.2): `W/"x"` names the same bytes as `"x"`.
    private static func matches(_ fields: [String], _ tag: String) -> Bool {
        fields.lazy.flatMap { $0.split(separator: ",") }.contains { listed in
            let listed = listed.trimmingCharacters(in: .whitespaces)
            return listed == "*" || listed == tag || listed == "W/" + tag
        }
    }
}

/// An answer's bytes and their strong validator: the first 128 bits of their SHA-256, in hex.
struct EncodedAnswer: Sendable {
    let bytes: ByteBuffer
    let etag: String

    init(_ data: Data) {
        self.bytes = ByteBuffer(bytes: data)
        self.etag = "\"" + SHA256.hash(data: data).prefix(16).hex + "\""
    }
}

/// Answers kept encoded until what they were made from changes: a busy petition's figures are
/// asked for far more often than they move, and encoding JSON costs more than the rest of a read.
final class EncodedAnswers<Key: Hashable & Sendable, Source: Equatable & Sendable>: Sendable {
    private let answers = Mutex<[Key: (source: Source, answer: EncodedAnswer)]>([:])

    func answer(for key: Key, from source: Source, encode: (Source) throws -> Data) rethrows -> EncodedAnswer {
        if let kept = answers.withLock({ $0[key] }), kept.source == source { return kept.answer }
        let answer = EncodedAnswer(try encode(source))
        answers.withLock { $0[key] = (source, answer) }
        return answer
    }
}
