import Hummingbird
import MultipartKit

/// A `multipart/form-data` body (RFC 7578) read within a size limit: the upload forms' text
/// fields and files. The bytes are split into parts by multipart-kit; this type only decides
/// what a part means, and refuses anything malformed rather than guessing.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: File] = [:]

    subscript(name: String) -> String? { fields[name] }

    static let partLimit = 20
    /// A part's headers are a line or two; anything longer is not a browser's form.
    static let headerLimit = 4 * 1024

    static func read(_ request: Request, context: some RequestContext, upTo limit: Int) async throws -> MultipartForm {
        guard let boundary = boundary(of: request.headers[.contentType]) else {
            throw AppError.badRequest(.problemNotMultipartDetail)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw AppError.uploadTooLarge(limit: limit)
        }
        do {
            return try parse(bytes: Array(buffer.readableBytesView), boundary: boundary)
        } catch {
            throw AppError.badRequest(.problemUploadMalformedDetail)
        }
    }

    /// The boundary parameter of a `multipart/form-data` content type, quoted or not, within
    /// RFC 2046's 1 to 70 characters.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parameters = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parameters.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parameters.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = unquoted(pair[1])
            guard (1...70).contains(value.utf8.count),
                value.utf8.allSatisfy({ (0x21...0x7E).contains($0) || $0 == 0x20 })
            else {
                return nil
            }
            return value
        }
        return nil
    }

    /// Reads a whole body. Only the first part of each name counts, so a field cannot be
    /// overridden by appending it again; a body cut short inside a part is refused.
    static func parse(bytes: [UInt8], boundary: String) throws(MultipartFormError) -> MultipartForm {
        guard (1...70).contains(boundary.utf8.count) else { throw .malformed }
        let parser = MultipartParser(boundary: boundary)
        var form = MultipartForm()
        var headers: [(name: String, value: String)] = []
        var headerBytes = 0
        var body: [UInt8] = []
        var partOpen = false
        var problem: MultipartFormError?
        var parts = 0
        parser.onHeader = { name, value in
            partOpen = true
            headerBytes += name.utf8.count + value.utf8.count
            if headerBytes > headerLimit { problem = problem ?? .malformed }
            headers.append((name, value))
        }
        parser.onBody = { chunk in
            partOpen = true
            body.append(contentsOf: chunk.readableBytesView)
        }
        parser.onPartComplete = {
            parts += 1
            if parts > partLimit { problem = problem ?? .tooManyParts }
            if problem == nil {
                do throws(MultipartFormError) {
                    try form.add(headers: headers, body: body)
                } catch {
                    problem = error
                }
            }
            headers = []
            headerBytes = 0
            body = []
            partOpen = false
        }
        // multipart-kit 4.7 looks each byte of a header's name up in a table of 128, and
        // stops the process on one of 0x80 or more: such a body is refused before it.
        guard !hasNonASCIIHeaderName(bytes, boundary: Array(boundary.utf8)) else { throw .malformed }
        do {
            try parser.execute(bytes)
        } catch {
            throw .malformed
        }
        if let problem { throw problem }
        // A part still open means the body was cut short; no part at all is no form.
        if partOpen || parts == 0 { throw .malformed }
        return form
    }

    private mutating func add(headers: [(name: String, value: String)], body: [UInt8]) throws(MultipartFormError) {
        guard let disposition = headers.first(where: { $0.name.lowercased() == "content-disposition" }).map(\.value),
            let (name, filename) = Self.disposition(disposition)
        else { throw .malformed }
        if let filename {
            if files[name] == nil { files[name] = File(filename: filename, bytes: body) }
        } else {
            // No text field holds a NUL, and PostgreSQL refuses one in text.
            guard !body.contains(0), let text = String(validating: body, as: UTF8.self) else { throw .malformed }
            if fields[name] == nil { fields[name] = text }
        }
    }

    /// The field name and file name of a `Content-Disposition: form-data` header value.
    private static func disposition(_ value: String) -> (name: String, filename: String?)? {
        let parameters = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parameters.first?.lowercased() == "form-data" else { return nil }
        var values: [String: String] = [:]
        for parameter in parameters.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            values[pair[0].lowercased()] = unquoted(pair[1])
        }
        guard let name = values["name"], !name.isEmpty else { return nil }
        return (name, values["filename"])
    }

    /// Whether a byte of 0x80 or more stands before the colon of a line in the headers that
    /// follow any `--boundary`: wherever multipart-kit could read a header's name.
    private static func hasNonASCIIHeaderName(_ bytes: [UInt8], boundary: [UInt8]) -> Bool {
        let delimiter = Array("--".utf8) + boundary
        var index = 0
        while let start = firstIndex(of: delimiter, in: bytes, from: index) {
            let headersStart = start + delimiter.count
            let headersEnd = firstIndex(of: Array("\r\n\r\n".utf8), in: bytes, from: headersStart) ?? bytes.count
            var inName = true
            for byte in bytes[headersStart..<headersEnd] {
                if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    inName = true
                } else if byte == UInt8(ascii: ":") {
                    inName = false
                } else if inName, byte >= 0x80 {
                    return true
                }
            }
            index = headersStart
        }
        return false
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        for index in start...(haystack.count - needle.count) where haystack[index] == first {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }

    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        return String(value.dropFirst().dropLast())
    }
}

enum MultipartFormError: Error, Equatable {
    case malformed
    case tooManyParts
}
