import Foundation
import Testing

@testable import Undersigned

@Suite("Paper sheets read from CSV")
struct PaperSheetTests {
    private func problems(_ text: String) -> [PaperSheet.Problems.Problem] {
        problems(Array(text.utf8))
    }

    private func problems(_ bytes: [UInt8]) -> [PaperSheet.Problems.Problem] {
        do {
            _ = try PaperSheet(bytes: bytes)
            return []
        } catch let problems as PaperSheet.Problems {
            return problems.problems
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    @Test("columns in any order and case, quoted commas, a byte-order mark, CRLF lines and blank lines")
    func reads() throws {
        let sheet = try PaperSheet(
            bytes: [0xEF, 0xBB, 0xBF]
                + Array(
                    "Country, Show Name ,NAME,email\r\nsy,Yes,\"Haddad, Amal\",amal@example.org\r\n\r\nsyria,,Omar,\r\n"
                        .utf8))
        #expect(
            sheet.rows == [
                .init(
                    line: 2, name: "Haddad, Amal", country: "SY", email: EmailAddress("amal@example.org"),
                    showName: true),
                .init(line: 4, name: "Omar", country: "SY", email: nil, showName: false),
            ])
    }

    @Test("a header that is not the expected one is refused, naming each problem")
    func header() {
        #expect(
            problems("nom,country,name,name\nA,SY,A,A\n").map(\.message) == [
                "unknown column “nom”: the columns are name, country, email, show_name",
                "the column name appears twice",
            ])
        #expect(problems("name,email\nA,a@example.org\n").map(\.message) == ["the header has no country column"])
        #expect(problems("").map(\.line) == [0])
        #expect(problems("name,country\n").map(\.message) == ["the file holds no signer"])
    }

    @Test("text that is not UTF-8, a line break inside a field, and a show_name that is neither yes nor no")
    func refused() {
        #expect(problems([0x6E, 0x61, 0x6D, 0x65, 0xFF]).map(\.message).first?.contains("not UTF-8") == true)
        #expect(
            problems("name,country\n\"A\nB\",SY\n") == [
                .init(line: 2, message: "a field holds a line break: put each signer on one line")
            ])
        #expect(
            problems("name,country,show_name\nA,SY,maybe\n") == [
                .init(line: 2, message: "show_name is yes or no, not “maybe”")
            ])
        #expect(
            problems("name,country\nA\u{7},SY\n") == [.init(line: 2, message: "the name holds a control character")])
        let long = String(repeating: "a", count: 201)
        #expect(problems("name,country\n\(long),SY\n").map(\.message) == ["the name is longer than 200 characters"])
    }
}
