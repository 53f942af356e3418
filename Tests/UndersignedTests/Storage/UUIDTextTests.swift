import Foundation
import Testing

@testable import Undersigned

@Suite("Identifiers as the database stores them")
struct UUIDTextTests {
    @Test("the text is Foundation's string in lowercase, and reads back, for any bytes")
    func matchesFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let edges = [
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
        ]
        // Any bytes, not only version 4: older rows and other tools may hold any UUID.
        let arbitrary = (0..<5_000).map { _ in
            var bytes = (generator.next() as UInt64, generator.next() as UInt64)
            return withUnsafeBytes(of: &bytes) { UUID(uuid: $0.load(as: uuid_t.self)) }
        }
        for id in edges + arbitrary {
            #expect(id.text == id.uuidString.lowercased())
            #expect(try UUID(text: id.text) == id)
            #expect(try UUID(text: id.uuidString) == id)
        }
    }

    @Test(
        "text in another form is refused, as Foundation refuses it",
        arguments: [
            "",
            "6ba7b810-9dad-11d1-80b4-00c04fd430c",  // a digit short
            "6ba7b810-9dad-11d1-80b4-00c04fd430c88",  // a digit long
            "6ba7b8109dad11d180b400c04fd430c8",  // no hyphens
            "6ba7b810-9dad-11d1-80b4_00c04fd430c8",  // a hyphen replaced
            "6ba7b810-9dad-11d180b4-00c04fd430c8-",  // a hyphen moved
            "6ba7b810-9dad-11d1-80b4-00c04fd430cg",  // not hexadecimal
            "{6ba7b810-9dad-11d1-80b4-00c04fd430c}",  // braces
            "6ba7b810-9dad-11d1-80b4-00c04fd430é",  // 36 bytes, not 36 characters
            "６ba7b810-9dad-11d1-80b4-00c04fd430c8",  // a full-width digit
        ])
    func refusesOtherForms(text: String) {
        #expect(UUID(hyphenatedHex: text) == nil)
        #expect(UUID(uuidString: text) == nil)
        #expect(throws: CorruptRecord.self) { try UUID(text: text) }
    }

    @Test("both cases, and a mix, read as the same identifier")
    func eitherCase() throws {
        let lower = try UUID(text: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")
        #expect(try UUID(text: "6BA7B810-9DAD-11D1-80B4-00C04FD430C8") == lower)
        #expect(try UUID(text: "6Ba7B810-9dAd-11D1-80b4-00C04fd430C8") == lower)
        #expect(lower.text == "6ba7b810-9dad-11d1-80b4-00c04fd430c8")
    }
}
