import Hummingbird

/// A `multipart/form-data` body (RFC 7578), read strictly and within a size limit: the
/// upload forms' text fields and files. Anything malformed is refused, never guessed at.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: File] = [:]

    subscript(name: String) -> String? { fields[name] }

    static let partLimit = 20

    static func read(_ request: Request, context: some RequestContext, upTo limit: Int) async throws -> MultipartForm {
        guard let boundary = boundary(of: request.headers[.contentType]) else {
            throw AppError.badRequest("The form was not sent as multipart/form-data. Please use the form on the page.")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw AppError(
                status: .contentTooLarge, title: "This file is too large",
                detail: "The upload may be at most \(limit / 1024 / 1024) MB. Please choose a smaller file.")
        }
        guard let form = MultipartForm(bytes: Array(buffer.readableBytesView), boundary: boundary) else {
            throw AppError.badRequest("The uploaded form is malformed. Please send it again from the page.")
        }
        return form
    }

    /// The boundary parameter of a `multipart/form-data` content type, quoted or not.
    static func boundary(of contentType: String?) -> [UInt8]? {
        guard let contentType else { return nil }
        let parameters = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parameters.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parameters.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard (1...70).contains(value.utf8.count) else { return nil }
            return Array(value.utf8)
        }
        return nil
    }

    init?(bytes: [UInt8], boundary: [UInt8]) {
        let delimiter = Array("--".utf8) + boundary
        let separator = Array("\r\n".utf8) + delimiter
        guard bytes.starts(with: delimiter) else { return nil }
        var position = delimiter.count
        var parts = 0
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if bytes[position...].starts(with: Array("--".utf8)) { return }
            guard bytes[position...].starts(with: Array("\r\n".utf8)) else { return nil }
            position += 2
            parts += 1
            guard parts <= Self.partLimit, let end = Self.find(separator, in: bytes, from: position),
                let headerEnd = Self.find(Array("\r\n\r\n".utf8), in: bytes, from: position), headerEnd <= end,
                let headers = String(validating: bytes[position..<headerEnd], as: UTF8.self),
                let disposition = Self.disposition(headers)
            else { return nil }
            let content = Array(bytes[(headerEnd + 4)..<end])
            if let filename = disposition.filename {
                if files[disposition.name] == nil { files[disposition.name] = File(filename: filename, bytes: content) }
            } else {
                guard let text = String(validating: content, as: UTF8.self) else { return nil }
                if fields[disposition.name] == nil { fields[disposition.name] = text }
            }
            position = end + separator.count
        }
    }

    /// The field name and file name of a part's `Content-Disposition: form-data` header.
    private static func disposition(_ headers: String) -> (name: String, filename: String?)? {
        for line in headers.split(separator: "\r\n") {
            let header = line.split(separator: ":", maxSplits: 1)
            guard header.count == 2, header[0].lowercased() == "content-disposition" else { continue }
            let parameters = header[1].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parameters.first?.lowercased() == "form-data" else { return nil }
            var values: [String: String] = [:]
            for parameter in parameters.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                values[pair[0].lowercased()] = value
            }
            guard let name = values["name"], !name.isEmpty else { return nil }
            return (name, values["filename"])
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
