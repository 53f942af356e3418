import Hummingbird

/// An `application/x-www-form-urlencoded` body, read strictly: too large, not UTF-8, or
/// badly percent-encoded is refused, never guessed at.
struct FormBody: Sendable {
    /// Each field's value by its name.
    let fields: [String: String]

    subscript(name: String) -> String? { fields[name] }

    static func read(_ request: Request, context: some RequestContext, upTo limit: Int? = nil) async throws -> FormBody
    {
        var request = request
        let buffer = try await request.collectBody(upTo: limit ?? context.maxUploadSize)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw AppError.badRequest(.problemFormNotUtf8Detail)
        }
        return try FormBody(text)
    }

    init(_ text: String) throws {
        var fields: [String: String] = [:]
        // Split on bytes, as browsers do: split on characters, "=" followed by a combining
        // mark is one character, and the field's name would swallow its value.
        for pair in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]),
                let value = Self.decode(parts.count > 1 ? parts[1] : pair[pair.endIndex...])
            else {
                throw AppError.badRequest(.problemFormEncodingDetail)
            }
            // No field of any form holds a NUL, and PostgreSQL refuses one in text.
            guard !name.utf8.contains(0), !value.utf8.contains(0) else {
                throw AppError.badRequest(.problemFormNulDetail)
            }
            // The first occurrence wins, so a field cannot be overridden by appending it again.
            if fields[name] == nil { fields[name] = value }
        }
        self.fields = fields
    }

    private static func decode(_ component: Substring.UTF8View) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.count)
        var iterator = component.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(HexDigits.value(of:)),
                    let low = iterator.next().flatMap(HexDigits.value(of:))
                else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension Response {
    /// 303 See Other: after a POST, the browser GETs the next page.
    static func seeOther(_ location: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
