import Foundation

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// `multipart/form-data` uploads. The first line is the request's `Content-Type`, the rest
/// its body. An accepted form has at most 20 parts, each named; written out again with the
/// same boundary, it reads back the same.
enum MultipartFuzzing: FuzzCheck {
    static let maxLength = 4096

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        let bytes = Fuzz.bytes(start, count)
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        guard let contentType = String(validating: bytes[..<newline], as: UTF8.self),
            let boundary = MultipartForm.boundary(of: contentType)
        else { return }
        Fuzz.expect((1...70).contains(boundary.utf8.count), "boundary of \(boundary.utf8.count) bytes")
        guard let form = try? MultipartForm.parse(bytes: Array(bytes.dropFirst(newline + 1)), boundary: boundary) else {
            return
        }
        Fuzz.expect(
            form.fields.count + form.files.count <= MultipartForm.partLimit,
            "\(form.fields.count) fields, \(form.files.count) files")
        Fuzz.expect(!form.fields.keys.contains("") && !form.files.keys.contains(""), "a part without a name")
        guard let written = write(form, boundary: boundary) else { return }
        guard let again = try? MultipartForm.parse(bytes: written, boundary: boundary) else {
            Fuzz.fail("\(String(decoding: written, as: UTF8.self).debugDescription) does not read back")
        }
        Fuzz.expect(again.fields == form.fields, "fields \(form.fields) read back as \(again.fields)")
        Fuzz.expect(again.files.mapValues(\.bytes) == form.files.mapValues(\.bytes), "files read back differently")
        Fuzz.expect(
            again.files.mapValues(\.filename) == form.files.mapValues(\.filename), "file names read back differently")
    }

    /// The form as a browser would send it, or `nil` when a name or a value could not be sent
    /// as it is (quotes, separators or line breaks in a name, the boundary in a value).
    private static func write(_ form: MultipartForm, boundary: String) -> [UInt8]? {
        let boundary = Array(boundary.utf8)
        let delimiter = Array("\r\n--".utf8) + boundary
        var body = Array("--".utf8) + boundary
        var parts = form.fields.map { (name: $0.key, filename: String?.none, content: Array($0.value.utf8)) }
        parts += form.files.map { (name: $0.key, filename: $0.value.filename, content: $0.value.bytes) }
        for part in parts {
            let quoted = [part.name] + (part.filename.map { [$0] } ?? [])
            guard
                quoted.allSatisfy({
                    !$0.unicodeScalars.contains(where: "\"\r\n;".unicodeScalars.contains)
                        && $0 == $0.trimmingCharacters(in: .whitespaces)
                }),
                !contains(part.content + Array("\r\n".utf8), delimiter)
            else { return nil }
            var disposition = "Content-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { disposition += "; filename=\"\(filename)\"" }
            body += Array("\r\n\(disposition)\r\n\r\n".utf8) + part.content + delimiter
        }
        return body + Array("--".utf8)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }
}
