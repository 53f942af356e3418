import Foundation
import SQLKit

extension SQLStore {
    func signaturePage(
        petitionID: UUID, states: [SignatureState], window: ClosedRange<Date>, after cursor: SignatureCursor?, limit: Int
    ) async throws -> [(signature: Signature, sealedPersonalData: [UInt8])] {
        let after: SQLQueryString =
            if let cursor {
                Self.signaturesAfter(createdAt: cursor.createdAt.millis, id: cursor.id.text)
            } else {
                ""
            }
        return try await driver.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: SQLSignatureTransaction.columns), personal_data FROM signatures
                WHERE petition_id = \(bind: petitionID.text) AND state IN (\(binds: states.map(\.rawValue)))
                  AND personal_data IS NOT NULL
                  AND created_at >= \(bind: window.lowerBound.millis) AND created_at <= \(bind: window.upperBound.millis) \(after)
                ORDER BY created_at, id LIMIT \(bind: limit)
                """
            ).all().map { row in
                (try SQLSignatureTransaction.signature(from: row), Array(try row.decode(column: "personal_data", as: Data.self)))
            }
        }
    }

    func invalidate(_ ids: [UUID], receiptHashes: [UUID: [UInt8]], as invalidation: Invalidation) async throws -> Invalidation {
        try await driver.transaction { db in
            let transaction = SQLSignatureTransaction(db: db, flavor: driver.flavor)
            let affected = try await transaction.signatures(ids: ids, locking: true).values.filter { $0.state == .pending || $0.state == .confirmed }
            var recorded = invalidation
            recorded.signatures = affected.count
            try await db.raw(
                """
                INSERT INTO invalidations (id, petition_id, reason, criteria, signatures, created_at)
                VALUES (\(bind: recorded.id.text), \(bind: recorded.petitionID.text), \(bind: recorded.reason), \(bind: recorded.criteria),
                        \(bind: recorded.signatures), \(bind: recorded.createdAt.millis))
                """
            ).run()
            for chunk in affected.map(\.id.text).sorted().chunks(of: 500) {
                try await db.raw(
                    """
                    UPDATE signatures SET state = \(bind: SignatureState.invalidated.rawValue), ended_at = \(bind: recorded.createdAt.millis),
                        invalidation_id = \(bind: recorded.id.text)
                    WHERE id IN (\(binds: Array(chunk)))
                    """
                ).run()
            }
            let counted = affected.filter { $0.state == .confirmed }.sorted { $0.id.text < $1.id.text }
            try await transaction.count(counted, by: -1)
            try await transaction.appendToLog(
                try counted.map { signature in
                    guard let receiptHash = receiptHashes[signature.id] else { throw CorruptRecord(description: "no receipt hash for \(signature.id)") }
                    return LogEntry(petitionID: signature.petitionID, kind: .invalidation, receiptHash: receiptHash, recordedAt: recorded.createdAt)
                })
            return recorded
        }
    }
}
