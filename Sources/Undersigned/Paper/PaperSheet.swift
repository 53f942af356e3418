import CSV
import Foundation

/// A CSV file of signatures gathered on paper, typed up: a header row naming the columns,
/// then one signer a line. Read whole or not at all: every bad line is reported with its
/// number, and a file with any is refused.
///
/// Columns, in any order, named case-insensitively: `name` and `country` (an ISO 3166 code
/// such as `SY`, or the country's English name) are required; `email` (used only to leave
/// out someone who also signed online or twice on paper) and `show_name` (`yes` or `no`,
/// empty for no) are optional. No other column is accepted, so no data is silently dropped.
public struct PaperSheet: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The line of the file it is on; the header is line 1.
        public var line: Int
        public var name: String
        public var country: String
        public var email: EmailAddress?
        public var showName: Bool
    }

    public var rows: [Row]

    public static let maximumBytes = 10 * 1024 * 1024
    public static let maximumRows = 100_000
    static let maximumNameLength = 200

    /// What is wrong with a file, line by line; nothing of it is stored.
    public struct Problems: Error, Sendable, Equatable, CustomStringConvertible {
        public struct Problem: Error, Sendable, Equatable {
            /// 0 for the file as a whole.
            public var line: Int
            public var message: String
        }

        public var problems: [Problem]

        init(line: Int = 0, _ message: String) {
            problems = [Problem(line: line, message: message)]
        }

        init(_ problems: [Problem]) {
            self.problems = problems
        }

        public var description: String {
            problems.map { $0.line == 0 ? $0.message : "line \($0.line): \($0.message)" }.joined(separator: "\n")
        }
    }

    private enum Column: String, CaseIterable {
        case name, country, email
        case showName = "show_name"
    }

    public init(bytes: [UInt8]) throws {
        guard bytes.count <= Self.maximumBytes else {
            throw Problems("the file is larger than \(Self.maximumBytes / 1024 / 1024) MB: split it into batches")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: body, as: UTF8.self) else {
            throw Problems("the file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw Problems("the file is not CSV: \(error)")
        }
        let columns = try Self.columns(reader.headerRow ?? [])

        var rows: [Row] = []
        var problems: [Problems.Problem] = []
        var lineOfAddress: [String: Int] = [:]
        var line = 1
        while let fields = reader.next() {
            line += 1
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            // A quoted line break would make every later line number lie; no column needs one.
            if fields.contains(where: { $0.contains(where: \.isNewline) }) {
                throw Problems(line: line, "a field holds a line break: put each signer on one line")
            }
            guard rows.count < Self.maximumRows else {
                throw Problems("the file has more than \(Self.maximumRows) signers: split it into batches")
            }
            switch Self.row(fields, columns: columns, line: line) {
            case .success(let row):
                if let email = row.email {
                    if let first = lineOfAddress[email.normalized] {
                        problems.append(.init(line: line, message: "the same email as line \(first)"))
                        continue
                    }
                    lineOfAddress[email.normalized] = line
                }
                rows.append(row)
            case .failure(let problem):
                problems.append(problem)
            }
        }
        if let error = reader.error {
            problems.append(.init(line: line + 1, message: "the CSV is malformed: \(error)"))
        }
        guard problems.isEmpty else { throw Problems(problems) }
        guard !rows.isEmpty else { throw Problems("the file holds no signer") }
        self.rows = rows
    }

    /// The position of each known column in the header; an unknown or repeated column, or a
    /// missing required one, refuses the file.
    private static func columns(_ header: [String]) throws -> [Column: Int] {
        var columns: [Column: Int] = [:]
        var problems: [String] = []
        for (position, title) in header.enumerated() {
            let key = title.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
            guard let column = Column(rawValue: key) else {
                problems.append("unknown column “\(title.prefix(40))”: the columns are name, country, email, show_name")
                continue
            }
            guard columns[column] == nil else {
                problems.append("the column \(column.rawValue) appears twice")
                continue
            }
            columns[column] = position
        }
        for required in [Column.name, .country] where columns[required] == nil {
            problems.append("the header has no \(required.rawValue) column")
        }
        guard problems.isEmpty else { throw Problems(problems.map { .init(line: 1, message: $0) }) }
        return columns
    }

    private static func row(_ fields: [String], columns: [Column: Int], line: Int) -> Result<Row, Problems.Problem> {
        func field(_ column: Column) -> String {
            guard let position = columns[column], fields.indices.contains(position) else { return "" }
            return fields[position].trimmingCharacters(in: .whitespaces)
        }
        func problem(_ message: String) -> Result<Row, Problems.Problem> {
            .failure(.init(line: line, message: message))
        }
        let name = field(.name)
        guard !name.isEmpty else { return problem("the name is empty") }
        guard name.count <= maximumNameLength else {
            return problem("the name is longer than \(maximumNameLength) characters")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return problem("the name holds a control character")
        }
        let countryText = field(.country)
        guard
            let country = Country.named(code: countryText)
                ?? Country.all.first(where: {
                    $0.name.compare(countryText, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame
                })
        else {
            return problem("“\(countryText.prefix(60))” is not a country: use its two-letter code, such as SY")
        }
        let emailText = field(.email)
        var email: EmailAddress?
        if !emailText.isEmpty {
            guard let address = EmailAddress(emailText) else {
                return problem("“\(emailText.prefix(60))” is not an email address")
            }
            email = address
        }
        let showName: Bool
        switch field(.showName).lowercased() {
        case "", "no", "n", "false", "0": showName = false
        case "yes", "y", "true", "1": showName = true
        case let other: return problem("show_name is yes or no, not “\(other.prefix(20))”")
        }
        return .success(Row(line: line, name: name, country: country.code, email: email, showName: showName))
    }
}
