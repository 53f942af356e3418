import Foundation
import HTTPTypes
import Hummingbird

@testable import Undersigned

/// What a hostile client puts in paths, queries and forms, and the names it puts it under:
/// read at test time from the templates' forms and from the controllers' code, so that a new
/// field or parameter is swept without anyone listing it here.
enum HostileInput {
    /// Values as they travel, percent-encoded where they need to be (so that bad encodings and
    /// bytes that are not UTF-8 can be sent at all).
    static let values: [String] = [
        "", String(repeating: "a", count: 100_000),
        "-1", "0", "1", "\(Int.min)", "\(Int.max)", "9223372036854775808", "99999999999999999999", "1e309", "1.5",
        "%FF%FE", "%C0%80", "%ED%A0%80", "%", "%zz", "%E2%82",
        "%00", "a%00b", "%0D%0ASet-Cookie:%20x=1", "%1B%5B31m%7F", "%E2%80%AE",
        "true", "%5B%5D", "00000000-0000-0000-0000-000000000000", "..%2F..%2Fetc%2Fpasswd", "%3Cscript%3E",
        "2026-02-30",
    ]

    /// The values most likely to break a parser, for what is swept more cheaply.
    static let sharpValues: [String] = ["", "-1", "\(Int.min)", "99999999999999999999", "%FF", "%00"]

    /// The bytes a percent-encoded value stands for, as a multipart body carries them.
    static func bytes(of value: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var utf8 = value.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let decoded = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(decoded)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    // MARK: Names

    /// The fields of each form of the templates that posts, by the route its action names: a
    /// form posting to `{{links.removeKey}}` or `{{removeKeyPath}}` posts to the route whose
    /// case is `removeKey`. An emailed link's page posts to `{{action}}`, the link itself.
    static let templateForms: [(route: String, fields: Set<String>, multipart: Bool)] = {
        let directory = BundledResources.url("templates")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var forms: [(route: String, fields: Set<String>, multipart: Bool)] = []
        for file in files where file.hasSuffix(".mustache") {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                continue
            }
            for match in text.matches(of: /<form([^>]*)>([\s\S]*?)<\/form>/) {
                let attributes = String(match.output.1)
                guard attributes.contains(#"method="post""#),
                    let action = attributes.firstMatch(of: /action="\{\{(?:[A-Za-z]+\.)*([A-Za-z]+)\}\}"/)
                else { continue }
                let fields = Set(
                    String(match.output.2).matches(of: /name="([^"]+)"/).map {
                        String($0.output.1).replacingOccurrences(of: "{{index}}", with: "0")
                    })
                let name = String(action.output.1)
                forms.append(
                    (
                        name.hasSuffix("Path") ? String(name.dropLast(4)) : name, fields,
                        attributes.contains("multipart/form-data")
                    ))
            }
        }
        return forms
    }()

    /// The case names of the table's routes, by their patterns.
    static let routeNames: [String: Set<String>] = {
        func names<Group: RouteGroup>(_ group: Group.Type) -> [(String, String)] {
            Group.all.map { ($0.pattern, String(String(describing: $0).prefix { $0 != "(" })) }
        }
        return Dictionary(
            RouteTable.groups.flatMap { names($0) }.map { ($0.0, [$0.1]) }, uniquingKeysWith: { $0.union($1) })
    }()

    /// The fields of the templates' forms that hold files.
    static let fileFields: Set<String> = {
        let directory = BundledResources.url("templates")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.reduce(into: Set<String>()) { names, file in
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                return
            }
            for input in text.matches(of: /<input[^>]*type="file"[^>]*>/) {
                if let name = String(input.output).firstMatch(of: /name="([^"]+)"/) {
                    names.insert(String(name.output.1))
                }
            }
        }
    }()

    /// Form fields and query parameters the controllers read, found in their code: the stored
    /// properties of the `Decodable` structs forms are decoded into, and the names given to
    /// `queryParameters`.
    static let controllerNames: (fields: Set<String>, query: Set<String>) = {
        let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../Sources/Undersigned/Web")
        var fields: Set<String> = []
        var query: Set<String> = []
        let files = FileManager.default.enumerator(atPath: web.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            guard let code = try? String(contentsOf: web.appendingPathComponent(file), encoding: .utf8) else {
                continue
            }
            for form in code.matches(of: /\n( *)struct \w+: [^{\n]*\bDecodable\b[^{\n]*\{([\s\S]*?\n)\1\}/) {
                fields.formUnion(
                    String(form.output.2).matches(of: /\n *var ([A-Za-z0-9_]+): [^{\n]*(?=\n)/).map {
                        String($0.output.1)
                    })
            }
            query.formUnion(
                code.matches(of: /queryParameters\.(?:get|has)\("([A-Za-z0-9_-]+)"/).map { String($0.output.1) })
        }
        return (fields, query)
    }()

    /// The fields of the templates' forms posting to the route of `pattern`; when none does,
    /// every field a form posting to an emailed link or a controller knows.
    static func fields(forRoute pattern: String) -> (fields: [String], multipart: Bool) {
        let names = routeNames[pattern] ?? []
        let matching = templateForms.filter { names.contains($0.route) }
        if !matching.isEmpty {
            return (
                matching.reduce(into: Set<String>()) { $0.formUnion($1.fields) }.sorted(),
                matching.contains { $0.multipart }
            )
        }
        let known = routeNames.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        let unnamed = templateForms.filter { !known.contains($0.route) }
        return (unnamed.reduce(into: controllerNames.fields) { $0.formUnion($1.fields) }.sorted(), false)
    }

    /// A plausible value for each field, so that the one being swept is the only odd one out.
    static func plausible(_ field: String) -> String {
        switch field {
        case "title": "A title"
        case "summary": "Why it matters."
        case "body", "details", "notes", "response", "amendment": "Some words."
        case "language": "fr"
        case "goal": "500"
        case "intent": "save"
        case "target-0-name", "name", "by": "Someone"
        case "target-0-role": "Minister"
        case "target-0-order", "target": "1"
        case "email": "nobody.sweep@example.org"
        case "password", "confirmation": "correct horse battery staple"
        case "slug": "sweep-org"
        case "role": "viewer"
        case "reason": "other"
        case "subject": "News"
        case "channel": "email"
        case "date": "2026-01-15"
        case "alt": "A picture"
        case "from": "petition"
        case "next": "/account"
        case "country": "FR"
        case "showName", "updates": "on"
        default: "x"
        }
    }

    // MARK: Bodies

    static func urlEncoded(_ form: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: form.map { "\($0.0)=\($0.1)" }.joined(separator: "&"))
    }

    static let boundary = "sweepBOUNDARY"

    /// A well-formed multipart body of the form's (percent-encoded) values.
    static func multipart(_ form: [(String, String)]) -> ByteBuffer {
        var bytes: [UInt8] = []
        for (name, value) in form {
            let filename = fileFields.contains(name) ? "; filename=\"upload.png\"" : ""
            bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename)\r\n\r\n".utf8)
            bytes += Self.bytes(of: value) + Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: bytes)
    }

    /// Multipart bodies that are wrong in themselves, with the content type each is sent under.
    static func brokenMultipart(csrf: String) -> [(contentType: String, body: [UInt8])] {
        let type = "multipart/form-data; boundary=B"
        let part = "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
        return [
            (type, Array("--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n--B--\r\n".utf8)),
            (
                type,
                Array(
                    (part + "--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n--B--\r\n")
                        .utf8)
            ),
            (type, []),
            (type, Array("--B".utf8)),
            (type, Array("--B\r\n".utf8)),
            (type, Array(part.utf8)),
            (type, Array((part + "--B\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc").utf8)),
            (type, Array("--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n".utf8)),
            (type, Array("--B\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--B--\r\n".utf8)),
            (type, Array("--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n".utf8)),
            (type, Array("--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n".utf8)),
            (type, Array("--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n--B--\r\n".utf8)),
            (type, Array("--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n--B--".utf8)),
            (type, Array("--B\r\n\r\n\r\n--B--\r\n".utf8)),
            (type, Array(part.utf8) + [0xFF, 0xFE] + Array("\r\n--B--\r\n".utf8)),
            (
                type,
                Array("--B\r\nContent-Disposition: form-data; name=\"\u{FFFD}\"\r\n\r\nx\r\n--B--\r\n".utf8).map {
                    $0 == 0xBD ? 0xFF : $0
                }
            ),
            (type, Array(String(repeating: part, count: 30).utf8) + Array("--B--\r\n".utf8)),
            ("multipart/form-data", Array(part.utf8) + Array("--B--\r\n".utf8)),
            ("multipart/form-data; boundary=", Array("--\r\n".utf8)),
            ("multipart/form-data; boundary=\"\"", Array("--\r\n--\r\n".utf8)),
            ("multipart/form-data; boundary=\(String(repeating: "b", count: 71))", Array("--b\r\n".utf8)),
            ("multipart/form-data; boundary=B; boundary=C", Array(part.utf8) + Array("--B--\r\n".utf8)),
            ("multipart/mixed; boundary=B", Array(part.utf8) + Array("--B--\r\n".utf8)),
        ]
    }

    /// Form bodies that are wrong in themselves.
    static func brokenURLEncoded(csrf: String) -> [[UInt8]] {
        [
            [], [0xFF, 0xFE], Array("csrf=\(csrf)&".utf8) + [0xC0, 0x80], Array("csrf=\(csrf)&%".utf8), Array("=".utf8),
            Array("&&&=&=".utf8),
            Array("csrf=\(csrf)&=x".utf8), Array("csrf=\(csrf)&%zz=1".utf8), Array("csrf".utf8),
            Array(String(repeating: "csrf=\(csrf)&", count: 2_000).utf8),
        ]
    }
}
