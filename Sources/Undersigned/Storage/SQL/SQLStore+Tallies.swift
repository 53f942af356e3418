import Foundation
import SQLKit

extension SQLStore {
    func storedTallies(petitionID: UUID) async throws -> SignatureTallies {
        try await driver.read { db in
            let id = petitionID.text
            let total =
                try await db.raw("SELECT signature_count FROM petitions WHERE id = \(bind: id)").first()?
                .decode(column: "signature_count", as: Int.self) ?? 0
            var perCountry: [String: Int] = [:]
            for row in try await db.raw("SELECT country, confirmed FROM country_counts WHERE petition_id = \(bind: id)")
                .all()
            {
                perCountry[try row.decode(column: "country", as: String.self)] = try row.decode(
                    column: "confirmed", as: Int.self)
            }
            var perDay: [SignatureTallies.DayAndSource: Int] = [:]
            for row in try await db.raw(
                "SELECT day, source, confirmed FROM daily_confirmations WHERE petition_id = \(bind: id)"
            ).all() {
                let key = SignatureTallies.DayAndSource(
                    day: UTCDay(number: try row.decode(column: "day", as: Int.self)),
                    source: try row.decode(column: "source", as: String.self))
                perDay[key] = try row.decode(column: "confirmed", as: Int.self)
            }
            return SignatureTallies(total: total, perCountry: perCountry, perDay: perDay)
        }
    }

    func recountedTallies(petitionID: UUID) async throws -> SignatureTallies {
        try await driver.read { db in
            let id = petitionID.text
            let confirmed = SignatureState.confirmed.rawValue
            var perCountry: [String: Int] = [:]
            for row in try await db.raw(
                "SELECT country, COUNT(*) AS n FROM signatures WHERE petition_id = \(bind: id) AND state = \(bind: confirmed) GROUP BY country"
            ).all() {
                perCountry[try row.decode(column: "country", as: String.self)] = try row.decode(
                    column: "n", as: Int.self)
            }
            var perDay: [SignatureTallies.DayAndSource: Int] = [:]
            for row in try await db.raw(
                """
                SELECT confirmed_at / 86400000 AS day, source, COUNT(*) AS n FROM signatures
                WHERE petition_id = \(bind: id) AND state = \(bind: confirmed) AND confirmed_at IS NOT NULL
                GROUP BY confirmed_at / 86400000, source
                """
            ).all() {
                let key = SignatureTallies.DayAndSource(
                    day: UTCDay(number: try row.decode(column: "day", as: Int.self)),
                    source: try row.decode(column: "source", as: String.self))
                perDay[key] = try row.decode(column: "n", as: Int.self)
            }
            return SignatureTallies(total: perCountry.values.reduce(0, +), perCountry: perCountry, perDay: perDay)
        }
    }

    func countedPetitions() async throws -> [UUID] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT id FROM petitions WHERE signature_count <> 0
                    OR id IN (SELECT petition_id FROM country_counts WHERE confirmed <> 0)
                    OR id IN (SELECT petition_id FROM signatures WHERE state = \(bind: SignatureState.confirmed.rawValue))
                ORDER BY id
                """
            ).all().map { try UUID(text: $0.decode(column: "id", as: String.self)) }
        }
    }
}
