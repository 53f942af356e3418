import Foundation
import SQLKit
import SQLiteNIO

/// A batch's rows as SQLite's `VALUES` list (``BatchRows``), written into the statement in one
/// piece: a placeholder a value, each value bound as what SQLite stores. Built from SQLKit's
/// expressions, a bind and a list each, then encoded one by one as optionals through
/// `Encodable`, the same rows took a third of the SQLite writer's time.
struct SQLiteValues: SQLExpression {
    let columns: [BatchRows.Column]

    func serialize(to serializer: inout SQLSerializer) {
        let rowCount = columns.first?.count ?? 0
        // SQLite numbers a bare `?` one past the highest number used before it, which is the
        // serializer's count of binds: the statement's own `?NNN` placeholders go on counting after these.
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        serializer.write(Array(repeating: row, count: rowCount).joined(separator: ", "))
        serializer.binds.reserveCapacity(serializer.binds.count + rowCount * columns.count)
        for index in 0..<rowCount {
            for column in columns { serializer.binds.append(SQLiteBound(column.sqliteData(at: index))) }
        }
    }
}

/// A value already in SQLite's form: `SQLiteDataEncoder` takes it as it is.
private struct SQLiteBound: Encodable, Sendable, SQLiteDataConvertible {
    let value: SQLiteData

    init(_ value: SQLiteData) {
        self.value = value
    }

    init?(sqliteData: SQLiteData) {
        value = sqliteData
    }

    var sqliteData: SQLiteData? { value }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

extension BatchRows.Column {
    /// The value at `row` as SQLite's own conversions make it, `NULL` for none.
    fileprivate func sqliteData(at row: Int) -> SQLiteData {
        switch self {
        case .text(let values): values[row]?.sqliteData ?? .null
        case .bytes(let values): values[row]?.sqliteData ?? .null
        case .integers(let values): values[row]?.sqliteData ?? .null
        case .booleans(let values): values[row].sqliteData ?? .null
        }
    }
}
