import Foundation
import Testing

@testable import Undersigned

@Suite("Trimming typed text")
struct TrimmingTests {
    @Test("trims what Foundation's whitespacesAndNewlines trims, around every character up to U+3100")
    func sameAsFoundation() {
        // Every white space character Unicode or Foundation knows lies below U+3100.
        for value in UInt32(0)...0x3100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)\(scalar)x\(scalar)y\(scalar)"
            #expect(
                text.trimmed() == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
        }
    }

    @Test(
        "keeps what lies between, whatever the script",
        arguments: [
            ("  Amina Haddad \n", "Amina Haddad"),
            ("\u{3000}سارة الحلبي\u{00A0}", "سارة الحلبي"),
            ("\u{200B}e\u{301}\t", "e\u{301}"),
            ("\r\n 👩🏽‍⚕️ \r\n", "👩🏽‍⚕️"),
            (" \n\t ", ""),
            ("", ""),
        ])
    func examples(typed: String, kept: String) {
        #expect(typed.trimmed() == kept)
        #expect(typed.trimmed() == typed.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(typed[...].trimmed() == kept)
    }
}
