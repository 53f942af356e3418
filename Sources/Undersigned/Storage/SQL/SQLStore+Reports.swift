import Foundation
import SQLKit

/// Visitors' reports of petitions.
extension SQLStore {
    func insert(_ report: PetitionReport) async throws {
        try await driver.transaction { db in
            try await db.raw(
                """
                INSERT INTO petition_reports (id, petition_id, reason, details, created_at)
                VALUES (\(bind: report.id.text), \(bind: report.petitionID.text), \(bind: report.reason.rawValue),
                        \(bind: report.sealedDetails.map { Data($0) }), \(bind: report.createdAt.millis))
                """
            ).run()
        }
    }

    func openReports(petitionID: UUID?) async throws -> [PetitionReport] {
        try await driver.read { db in
            let petition: SQLQueryString = petitionID.map { "AND petition_id = \(bind: $0.text)" } ?? ""
            return try await db.raw(
                "SELECT id, petition_id, reason, details, created_at FROM petition_reports WHERE resolved_at IS NULL "
                    + petition
                    + " ORDER BY created_at, id"
            ).all().map(Self.report(from:))
        }
    }

    static func report(from row: any SQLRow) throws -> PetitionReport {
        let reason = try row.decode(column: "reason", as: String.self)
        guard let known = ReportReason(rawValue: reason) else {
            throw CorruptRecord(description: "unknown report reason \(reason)")
        }
        return PetitionReport(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            petitionID: try UUID(text: row.decode(column: "petition_id", as: String.self)),
            reason: known, sealedDetails: try row.decode(column: "details", as: Data?.self).map { Array($0) },
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }
}

extension SQLPetitionTransaction {
    func resolveReports(petitionID: UUID, as resolution: ReportResolution, at date: Date) async throws
        -> [PetitionReport]
    {
        let open = try await db.raw(
            """
            SELECT id, petition_id, reason, details, created_at FROM petition_reports
            WHERE petition_id = \(bind: petitionID.text) AND resolved_at IS NULL ORDER BY created_at, id \(unsafeRaw: flavor.lockRows)
            """
        ).all().map(SQLStore.report(from:))
        guard !open.isEmpty else { return [] }
        try await db.raw(
            """
            UPDATE petition_reports SET resolved_at = \(bind: date.millis), resolution = \(bind: resolution.rawValue), details = NULL
            WHERE id IN (\(binds: open.map(\.id.text)))
            """
        ).run()
        return open
    }
}
