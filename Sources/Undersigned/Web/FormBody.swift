import Hummingbird

/// Reads an `application/x-www-form-urlencoded` body, refusing what is too large or not UTF-8.
enum FormBody {
    static func read(_ request: Request, context: some RequestContext) async throws -> String {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw AppError.badRequest("The form was not sent as UTF-8 text.")
        }
        return text
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        do {
            return try URLEncodedFormDecoder().decode(type, from: text)
        } catch {
            throw AppError.badRequest("The form data is malformed.")
        }
    }
}

struct CSRFField: Decodable {
    var csrf: String?
}

extension Response {
    /// 303 See Other: after a POST, the browser GETs the next page.
    static func seeOther(_ location: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
