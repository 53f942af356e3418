import Foundation
import SQLKit

extension SQLStore {
    func record(_ delivery: DeliveryRecord, targetCount: Int, audit: AuditEvent, notifying emails: [QueuedEmail])
        async throws -> Bool
    {
        try await driver.transaction { db in
            try await db.record(audit)
            try await db.enqueue(emails, flavor: driver.flavor)
            try await db.raw(
                """
                INSERT INTO deliveries (id, petition_id, target_position, delivered_at, channel, delivered_by, notes,
                                        evidence_name, evidence_type, evidence, tree_head_size, recorded_at)
                VALUES (\(bind: delivery.id.text), \(bind: delivery.petitionID.text), \(bind: delivery.targetPosition),
                        \(bind: delivery.deliveredAt.millis), \(bind: delivery.channel.rawValue), \(bind: delivery.deliveredBy),
                        \(bind: delivery.notes), \(bind: delivery.evidence?.fileName), \(bind: delivery.evidence?.contentType),
                        \(bind: delivery.evidence.map { Data($0.bytes) }), \(bind: Int64(delivery.treeHead.size)), \(bind: delivery.recordedAt.millis))
                """
            ).run()
            let delivered = try await db.count(
                "SELECT COUNT(DISTINCT target_position) AS n FROM deliveries WHERE petition_id = \(bind: delivery.petitionID.text)"
            )
            guard delivered >= targetCount else { return false }
            try await db.raw(
                """
                UPDATE petitions SET state = \(bind: PetitionState.delivered.rawValue), delivered_at = \(bind: delivery.recordedAt.millis),
                    state_changed_at = \(bind: delivery.recordedAt.millis)
                WHERE id = \(bind: delivery.petitionID.text) AND state <> \(bind: PetitionState.delivered.rawValue)
                """
            ).run()
            return true
        }
    }

    func deliveries(petitionID: UUID) async throws -> [DeliveryRecord] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT d.id, d.target_position, d.delivered_at, d.channel, d.delivered_by, d.notes, d.evidence_name, d.evidence_type,
                       d.evidence, d.recorded_at, h.size, h.root, h.signed_count, h.signed_at, h.key_id, h.signature
                FROM deliveries d JOIN tree_heads h ON h.petition_id = d.petition_id AND h.size = d.tree_head_size
                WHERE d.petition_id = \(bind: petitionID.text) ORDER BY d.target_position, d.recorded_at
                """
            ).all().map { row in
                let evidence: DeliveryRecord.Evidence? =
                    if let name = try row.decode(column: "evidence_name", as: String?.self) {
                        DeliveryRecord.Evidence(
                            fileName: name, contentType: try row.decode(column: "evidence_type", as: String.self),
                            bytes: Array(try row.decode(column: "evidence", as: Data.self)))
                    } else {
                        nil
                    }
                return DeliveryRecord(
                    id: try UUID(text: row.decode(column: "id", as: String.self)), petitionID: petitionID,
                    targetPosition: try row.decode(column: "target_position", as: Int.self),
                    deliveredAt: Date(millis: try row.decode(column: "delivered_at", as: Int64.self)),
                    channel: try DeliveryChannel(stored: row.decode(column: "channel", as: String.self)),
                    deliveredBy: try row.decode(column: "delivered_by", as: String.self),
                    notes: try row.decode(column: "notes", as: String.self),
                    evidence: evidence,
                    treeHead: SignedTreeHead(
                        petitionID: petitionID, size: UInt64(try row.decode(column: "size", as: Int64.self)),
                        root: Array(try row.decode(column: "root", as: Data.self)),
                        count: try row.decode(column: "signed_count", as: Int.self),
                        timestamp: Date(millis: try row.decode(column: "signed_at", as: Int64.self)),
                        keyID: try row.decode(column: "key_id", as: String.self),
                        signature: Array(try row.decode(column: "signature", as: Data.self))),
                    recordedAt: Date(millis: try row.decode(column: "recorded_at", as: Int64.self)))
            }
        }
    }
}
