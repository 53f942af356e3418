import Foundation
import SQLKit

/// A dashboard's aggregates. Confirmed signatures are never counted row by row: they come
/// from the counters of `daily_confirmations`. The other states are counted on the partial
/// index of the signatures not confirmed, which holds only those: pending ones are deleted
/// after 7 days, and withdrawals and invalidations are few beside confirmations.
extension SQLStore {
    func unconfirmedCounts(petitionID: UUID) async throws -> [SignatureState: Int] {
        try await driver.read { db in
            var counts: [SignatureState: Int] = [:]
            for row in try await db.raw(
                """
                SELECT state, COUNT(*) AS n FROM signatures
                WHERE petition_id = \(bind: petitionID.text) AND \(unsafeRaw: SignatureIndexes.unconfirmed)
                GROUP BY state
                """
            ).all() {
                counts[try SignatureState(stored: row.decode(column: "state", as: String.self))] = try row.decode(
                    column: "n", as: Int.self)
            }
            return counts
        }
    }

    func firstConfirmationDay(petitionID: UUID) async throws -> UTCDay? {
        try await driver.read { db in
            try await db.raw(
                "SELECT MIN(day) AS first FROM daily_confirmations WHERE petition_id = \(bind: petitionID.text) AND confirmed > 0"
            )
            .first()?.decode(column: "first", as: Int?.self).map(UTCDay.init(number:))
        }
    }

    func confirmationsPerDay(petitionID: UUID, since: UTCDay) async throws -> [UTCDay: Int] {
        try await driver.read { db in
            var counts: [UTCDay: Int] = [:]
            for row in try await db.raw(
                """
                SELECT day, CAST(SUM(confirmed) AS BIGINT) AS n FROM daily_confirmations WHERE petition_id = \(bind: petitionID.text) AND day >= \(bind: since.number)
                GROUP BY day
                """
            ).all() {
                counts[UTCDay(number: try row.decode(column: "day", as: Int.self))] = try row.decode(
                    column: "n", as: Int.self)
            }
            return counts
        }
    }

    func confirmationsPerSource(petitionID: UUID) async throws -> [SignatureSource: Int] {
        try await driver.read { db in
            var counts: [SignatureSource: Int] = [:]
            for row in try await db.raw(
                "SELECT source, CAST(SUM(confirmed) AS BIGINT) AS n FROM daily_confirmations WHERE petition_id = \(bind: petitionID.text) GROUP BY source"
            ).all() {
                counts[try SignatureSource(stored: row.decode(column: "source", as: String.self))] = try row.decode(
                    column: "n", as: Int.self)
            }
            return counts
        }
    }
}
