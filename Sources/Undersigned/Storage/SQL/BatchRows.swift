import Foundation
import SQLKit

/// The rows a batch inserts, given a column at a time. On SQLite they are a `VALUES` list, a
/// bound value each. On PostgreSQL each column is bound as one array and read back row by row
/// with `unnest`: a statement of a few binds and the same text whatever the batch's size,
/// where a `VALUES` list has each value encoded and bound, and parsed by the server, on its own.
struct BatchRows {
    enum Column: Sendable {
        case text([String?])
        case bytes([Data?])
        case integers([Int64?])
        case booleans([Bool])

        var count: Int {
            switch self {
            case .text(let values): values.count
            case .bytes(let values): values.count
            case .integers(let values): values.count
            case .booleans(let values): values.count
            }
        }
    }

    /// One entry a column, each of as many values as there are rows.
    var columns: [Column]

    /// What follows `INSERT INTO table (columns)`: the rows, from `VALUES` or from `SELECT`.
    func source(_ flavor: SQLFlavor) -> SQLQueryString {
        flavor.bindsColumns ? "SELECT * FROM \(unnest)" : "VALUES \(SQLiteValues(columns: columns))"
    }

    /// PostgreSQL's rows from the columns, each bound as one array.
    private var unnest: SQLQueryString {
        let arrays = columns.map { "\(bind: PostgresArray($0))" as SQLQueryString }
        return "unnest(\(SQLList(arrays, separator: SQLRaw(", "))))"
    }
}

extension SQLFlavor {
    /// "`column` is one of `values`": a list of binds on SQLite, and on PostgreSQL one array
    /// bound, for the reasons of ``BatchRows``.
    func among(_ column: String, _ values: [String]) -> SQLQueryString {
        if bindsColumns { return "\(unsafeRaw: column) = ANY (\(bind: PostgresArray(.text(values))))" }
        return "\(unsafeRaw: column) IN (\(binds: values))"
    }
}
