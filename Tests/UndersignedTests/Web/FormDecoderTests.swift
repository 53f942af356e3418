import Testing

@testable import Undersigned

@Suite("Forms decoded into structs")
struct FormDecoderTests {
    enum Color: String, Decodable {
        case red, green
    }

    struct Example: Decodable, Equatable {
        var name: String
        var note: String?
        var count: Int
        var color: Color?
        var agreed: Bool
    }

    private func decode<Fields: Decodable>(_ type: Fields.Type, _ body: String) throws -> Fields {
        try FormBody(body).decode(type)
    }

    /// The problems decoding `body` throws; none when it decodes.
    private func problems<Fields: Decodable>(_ type: Fields.Type, _ body: String) -> FormProblems? {
        do {
            _ = try decode(type, body)
            return nil
        } catch {
            return error as? FormProblems
        }
    }

    @Test("each property is the field of its name; an absent optional is nil, an absent box unticked")
    func reads() throws {
        let form = try decode(Example.self, "name=Ana+Lima&count=-3&color=green&agreed=on&other=ignored")
        #expect(form == Example(name: "Ana Lima", note: nil, count: -3, color: .green, agreed: true))
        let bare = try decode(Example.self, "name=&count=0&note=")
        #expect(bare == Example(name: "", note: "", count: 0, color: nil, agreed: false))
    }

    @Test("a field sent twice reads as its first occurrence")
    func duplicates() throws {
        let form = try decode(Example.self, "name=first&count=1&name=second&count=2&agreed=yes&agreed=maybe")
        #expect(form.name == "first")
        #expect(form.count == 1)
        #expect(form.agreed)
    }

    @Test("every missing field is a problem of its own")
    func missing() throws {
        let found = try #require(problems(Example.self, "note=x"))
        #expect(
            found.messages == [
                "name": "The field \u{201C}name\u{201D} is missing.",
                "count": "The field \u{201C}count\u{201D} is missing.",
            ])
    }

    @Test(
        "a field that does not read as its type is a problem, never a crash",
        arguments: ["abc", "", " 1", "1e3", "1.5", "99999999999999999999", "-9223372036854775809", "0x10"])
    func wrongNumber(text: String) throws {
        let found = try #require(problems(Example.self, "name=a&count=\(text)"))
        #expect(found.messages == ["count": "The field \u{201C}count\u{201D} must be a whole number."])
    }

    @Test("a choice the form does not offer, and a box neither ticked nor empty, are problems, reported together")
    func wrongChoices() throws {
        let found = try #require(problems(Example.self, "name=a&count=x&color=blue&agreed=maybe"))
        #expect(
            found.messages == [
                "count": "The field \u{201C}count\u{201D} must be a whole number.",
                "color": "The field \u{201C}color\u{201D} is not one of the choices offered.",
                "agreed": "The field \u{201C}agreed\u{201D} is a box to tick or leave empty.",
            ])
    }

    struct Listed: Decodable {
        var tags: [String]
    }

    struct Grouped: Decodable {
        var inner: Example
    }

    @Test("a property that is a list or a group of fields is a problem: a form field holds one text")
    func structuredProperties() throws {
        let offered = "is not one of the choices offered."
        #expect(
            problems(Listed.self, "tags=a&tags=b")?.messages == ["tags": "The field \u{201C}tags\u{201D} \(offered)"])
        #expect(problems(Grouped.self, "inner=x")?.messages == ["inner": "The field \u{201C}inner\u{201D} \(offered)"])
    }

    /// A form with a check of its own, across two fields.
    struct Passwords: Decodable {
        var password: String
        var confirmation: String

        init(from decoder: any Decoder) throws {
            let form = try decoder.container(keyedBy: FieldName.self)
            password = try form.decode(String.self, forKey: FieldName("password"))
            confirmation = try form.decode(String.self, forKey: FieldName("confirmation"))
            if password != confirmation { throw FormProblems("confirmation", "The two passwords differ.") }
        }
    }

    @Test("a form's own checks add their problems to those of its fields")
    func ownChecks() throws {
        #expect(try decode(Passwords.self, "password=a&confirmation=a").password == "a")
        #expect(
            problems(Passwords.self, "password=a&confirmation=b")?.messages == [
                "confirmation": "The two passwords differ."
            ])
        #expect(
            problems(Passwords.self, "confirmation=b")?.messages == [
                "password": "The field \u{201C}password\u{201D} is missing.",
                "confirmation": "The two passwords differ.",
            ])
    }

    @Test(
        "a body that is not percent-encoded UTF-8, or that holds a NUL, is refused before any field is read",
        arguments: ["name=%FF", "name=%C3%28", "name=a%00b", "na%00me=a", "name=\u{0}", "name=%G1", "name=%4"])
    func refusedBodies(body: String) {
        #expect(throws: AppError.self) { try FormBody(body) }
    }

    @Test("fields split on the bytes \u{201C}&\u{201D} and \u{201C}=\u{201D}, even before a combining mark")
    func splitsOnBytes() throws {
        // "=\u{301}" and "&\u{301}" are single characters to Swift, but not to a browser.
        let body = try FormBody("name=\u{301}Ana&\u{301}note=x&%2B\u{59E}=y")
        #expect(body["name"] == "\u{301}Ana")
        #expect(body["\u{301}note"] == "x")
        #expect(body["+\u{59E}"] == "y")
        // "+" is a space before a combining mark too.
        #expect(try FormBody("+\u{59E}=z")[" \u{59E}"] == "z")
        #expect(body.fields.count == 3)
    }

    @Test("a multipart form's text fields decode the same way")
    func multipart() throws {
        let form = try MultipartForm.parse(
            bytes: Array(
                ("--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAna\r\n"
                    + "--B\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\nmany\r\n--B--\r\n").utf8),
            boundary: "B")
        #expect(throws: FormProblems("count", "The field \u{201C}count\u{201D} must be a whole number.")) {
            try form.decode(Example.self)
        }
    }
}
