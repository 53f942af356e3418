import Foundation
import SQLKit

extension SQLSignatureTransaction {
    func insertPaperBatch(_ batch: PaperBatch) async throws {
        try await db.raw(
            """
            INSERT INTO paper_batches (id, petition_id, collected_by, place, collected_on, file_sha256, signer_rows, counted, imported_at)
            VALUES (\(bind: batch.id.text), \(bind: batch.petitionID.text), \(bind: batch.collectedBy), \(bind: batch.place),
                    \(bind: batch.collectedOn), \(bind: batch.fileDigest), \(bind: batch.signerRows), \(bind: batch.counted),
                    \(bind: batch.importedAt.millis))
            """
        ).run()
    }

    func setPaperBatchCounted(_ batchID: UUID, counted: Int) async throws {
        try await db.raw("UPDATE paper_batches SET counted = \(bind: counted) WHERE id = \(bind: batchID.text)").run()
    }

    func countingSignatures(inPaperBatch batchID: UUID) async throws -> [UUID] {
        try await db.raw(
            """
            SELECT id FROM signatures WHERE paper_batch_id = \(bind: batchID.text)
            AND state = \(bind: SignatureState.confirmed.rawValue)
            """
        ).all().map { try UUID(text: $0.decode(column: "id", as: String.self)) }
    }

    func voidPaperBatch(_ batchID: UUID, reason: String, at date: Date) async throws -> Bool {
        !(try await db.raw(
            """
            UPDATE paper_batches SET voided_at = \(bind: date.millis), void_reason = \(bind: reason)
            WHERE id = \(bind: batchID.text) AND voided_at IS NULL
            RETURNING id
            """
        ).all().isEmpty)
    }

    func record(_ event: AuditEvent) async throws {
        try await db.record(event)
    }
}

extension SQLStore {
    func paperBatches(petitionID: UUID) async throws -> [PaperBatch] {
        try await driver.read { db in
            try await db.raw(
                "SELECT * FROM paper_batches WHERE petition_id = \(bind: petitionID.text) ORDER BY imported_at, id"
            ).all().map(Self.paperBatch(from:))
        }
    }

    func paperBatch(id: UUID) async throws -> PaperBatch? {
        try await driver.read { db in
            try await db.raw("SELECT * FROM paper_batches WHERE id = \(bind: id.text)").first().map(
                Self.paperBatch(from:))
        }
    }

    /// From the per-day counters, kept with every change of a signature's state: a few rows
    /// a day, whatever the petition's size.
    func paperSignatureCount(petitionID: UUID) async throws -> Int {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT CAST(COALESCE(SUM(confirmed), 0) AS BIGINT) AS n FROM daily_confirmations
                WHERE petition_id = \(bind: petitionID.text) AND source = \(bind: SignatureSource.paper.rawValue)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    private static func paperBatch(from row: any SQLRow) throws -> PaperBatch {
        PaperBatch(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            petitionID: try UUID(text: row.decode(column: "petition_id", as: String.self)),
            collectedBy: try row.decode(column: "collected_by", as: String.self),
            place: try row.decode(column: "place", as: String.self),
            collectedOn: try row.decode(column: "collected_on", as: String.self),
            fileDigest: try row.decode(column: "file_sha256", as: String.self),
            signerRows: try row.decode(column: "signer_rows", as: Int.self),
            counted: try row.decode(column: "counted", as: Int.self),
            importedAt: Date(millis: try row.decode(column: "imported_at", as: Int64.self)),
            voidedAt: try row.decode(column: "voided_at", as: Int64?.self).map(Date.init(millis:)),
            voidReason: try row.decode(column: "void_reason", as: String?.self))
    }
}
