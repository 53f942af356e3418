import Foundation

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// CSV files of paper signatures. A file is refused with problems that each name a line of
/// the file (or none, for the file as a whole), or read into rows that each hold a name and
/// a known country, on increasing lines, with no email twice.
enum PaperSheetFuzzing: FuzzCheck {
    static let maxLength = 4096

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        let bytes = Fuzz.bytes(start, count)
        let lineCount = bytes.count(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) + 1
        let sheet: PaperSheet
        do {
            sheet = try PaperSheet(bytes: bytes)
        } catch let problems as PaperSheet.Problems {
            Fuzz.expect(!problems.problems.isEmpty, "refused without a problem")
            for problem in problems.problems {
                Fuzz.expect((0...lineCount).contains(problem.line), "problem on line \(problem.line) of \(lineCount)")
                Fuzz.expect(!problem.message.isEmpty, "a problem without words")
            }
            return
        } catch {
            Fuzz.fail("unexpected error \(error)")
        }
        Fuzz.expect(!sheet.rows.isEmpty, "accepted with no signer")
        var lastLine = 1
        var addresses: Set<String> = []
        for row in sheet.rows {
            Fuzz.expect(row.line > lastLine && row.line <= lineCount, "row on line \(row.line) after \(lastLine)")
            lastLine = row.line
            Fuzz.expect(!row.name.isEmpty && row.name.count <= 200, "name \(row.name.debugDescription)")
            Fuzz.expect(!row.name.contains(where: \.isNewline), "name with a line break")
            Fuzz.expect(Country.named(code: row.country) != nil, "country \(row.country.debugDescription)")
            if let email = row.email {
                Fuzz.expect(addresses.insert(email.normalized).inserted, "\(email.normalized) twice")
            }
        }
    }
}
