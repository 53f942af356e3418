import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// A public read's answer: its bytes with a strong `ETag` drawn from them and a `Cache-Control`.
/// A client or cache that already holds those bytes, and names their ETag in `If-None-Match`,
/// gets `304 Not Modified` without them.
enum CacheableResponse {
    /// Fresh for a few seconds: counts move all the time, and revalidating costs the client a 304.
    static let briefly = "public, max-age=10"

    static func json(_ value: some Encodable, request: Request) throws -> Response {
        bytes(
            try AppRequestContext.encoder.encode(value), contentType: "application/json; charset=utf-8",
            request: request, cacheControl: briefly)
    }

    static func bytes(_ data: Data, contentType: String, request: Request, cacheControl: String) -> Response {
        let tag = etag(of: data)
        let headers: HTTPFields = [.eTag: tag, .cacheControl: cacheControl]
        if matches(request.headers[values: .ifNoneMatch], tag) {
            return Response(status: .notModified, headers: headers)
        }
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A strong validator: the first 128 bits of the bytes' SHA-256, in hex.
    static func etag(of data: Data) -> String {
        "\"" + SHA256.hash(data: data).prefix(16).hex + "\""
    }

    /// `If-None-Match` compares weakly (RFC 9110, 13.1.2): `W/"x"` names the same bytes as `"x"`.
    private static func matches(_ fields: [String], _ tag: String) -> Bool {
        fields.lazy.flatMap { $0.split(separator: ",") }.contains { listed in
            let listed = listed.trimmingCharacters(in: .whitespaces)
            return listed == "*" || listed == tag || listed == "W/" + tag
        }
    }
}
