import Foundation
import SQLKit

extension SQLStore {
    /// One page of a keyset walk on the `(petition_id, created_at)` index: each page costs the
    /// same, however deep into the petition it starts. The sealed personal data is read only
    /// where a consent calls for it.
    func confirmedSignatures(petitionID: UUID, after cursor: SignatureCursor?, limit: Int) async throws
        -> [ExportedSignature]
    {
        let after: SQLQueryString =
            cursor.map { Self.signaturesAfter(createdAt: $0.createdAt.millis, id: $0.id.text) } ?? ""
        return try await driver.scan { db in
            try await db.raw(
                """
                SELECT id, created_at, confirmed_at, country, source, show_name, wants_updates,
                       CASE WHEN show_name OR wants_updates THEN personal_data END AS consented_data
                FROM signatures
                WHERE petition_id = \(bind: petitionID.text) AND state = \(bind: SignatureState.confirmed.rawValue) \(after)
                ORDER BY created_at, id LIMIT \(bind: limit)
                """
            ).all().map { row in
                ExportedSignature(
                    id: try UUID(text: row.decode(column: "id", as: String.self)),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    confirmedAt: Date(millis: try row.decode(column: "confirmed_at", as: Int64.self)),
                    country: try row.decode(column: "country", as: String.self),
                    source: try SignatureSource(stored: row.decode(column: "source", as: String.self)),
                    showName: try row.decode(column: "show_name", as: Bool.self),
                    wantsUpdates: try row.decode(column: "wants_updates", as: Bool.self),
                    sealedPersonalData: try row.decode(column: "consented_data", as: Data?.self).map { Array($0) })
            }
        }
    }
}
