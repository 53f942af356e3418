import Foundation
import SQLKit

extension SQLStore {
    func signaturePage(
        petitionID: UUID, states: [SignatureState], window: ClosedRange<Date>, after cursor: SignatureCursor?,
        limit: Int
    ) async throws -> [(signature: Signature, sealedPersonalData: [UInt8])] {
        let after: SQLQueryString =
            if let cursor {
                Self.signaturesAfter(createdAt: cursor.createdAt.millis, id: cursor.id.text)
            } else {
                ""
            }
        return try await driver.scan { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: SQLSignatureTransaction.columns), personal_data FROM signatures
                WHERE petition_id = \(bind: petitionID.text) AND state IN (\(binds: states.map(\.rawValue)))
                  AND personal_data IS NOT NULL
                  AND created_at >= \(bind: window.lowerBound.millis) AND created_at <= \(bind: window.upperBound.millis) \(after)
                ORDER BY created_at, id LIMIT \(bind: limit)
                """
            ).all().map { row in
                (
                    try SQLSignatureTransaction.signature(from: row),
                    Array(try row.decode(column: "personal_data", as: Data.self))
                )
            }
        }
    }
}
