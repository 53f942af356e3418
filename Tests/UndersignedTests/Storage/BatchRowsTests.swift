import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("A batch's rows, bound a column at a time")
struct BatchRowsTests {
    static let texts: [String?] = ["", "é ☃ 𝄞", "a'b\"c,{}\\", nil]
    static let bytes: [Data?] = [Data(UInt8.min...UInt8.max), Data(), nil, Data("{\"x\"}".utf8)]
    static let integers: [Int64?] = [Int64.min, 0, nil, Int64.max]
    static let booleans = [true, false, true, false]

    @Test(
        "read back as given: nulls, empty values, quotes, braces and every byte, between other binds",
        arguments: TestDatabase.all)
    func roundTrip(database: TestDatabase) async throws {
        try await TestStore.with(database) { testStore in
            let store = try #require(testStore.database as? SQLStore)
            let flavor = store.driver.flavor
            let read = try await store.driver.transaction { db in
                try await db.raw(
                    """
                    CREATE TEMPORARY TABLE batch_rows (position BIGINT, label TEXT, content \(unsafeRaw: flavor.bytes), number BIGINT, flag \(unsafeRaw: flavor.boolean))
                    """
                ).run()
                let rows = BatchRows(columns: [
                    .integers([1, 2, 3, 4]), .text(Self.texts), .bytes(Self.bytes), .integers(Self.integers),
                    .booleans(Self.booleans),
                ])
                // Values bound before and after the rows keep their places among the statement's binds.
                let after = try await db.raw(
                    """
                    WITH unused AS (SELECT CAST(\(bind: "before") AS TEXT) AS value)
                    INSERT INTO batch_rows (position, label, content, number, flag) \(rows.source(flavor))
                    RETURNING CAST(\(bind: "after") AS TEXT) AS after
                    """
                ).all().map { try $0.decode(column: "after", as: String.self) }
                #expect(after == ["after", "after", "after", "after"])
                let among = try await db.raw(
                    "SELECT position FROM batch_rows WHERE \(flavor.among("label", ["é ☃ 𝄞", "", "absent"])) ORDER BY position"
                ).all().map { try $0.decode(column: "position", as: Int64.self) }
                #expect(among == [1, 2])
                let read = try await db.raw("SELECT label, content, number, flag FROM batch_rows ORDER BY position")
                    .all()
                // A temporary table outlives the transaction on its pooled connection.
                try await db.raw("DROP TABLE batch_rows").run()
                return read
            }
            #expect(try read.map { try $0.decode(column: "label", as: String?.self) } == Self.texts)
            #expect(try read.map { try $0.decode(column: "content", as: Data?.self) } == Self.bytes)
            #expect(try read.map { try $0.decode(column: "number", as: Int64?.self) } == Self.integers)
            #expect(try read.map { try $0.decode(column: "flag", as: Bool.self) } == Self.booleans)
        }
    }
}
