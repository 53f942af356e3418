import Foundation
import SQLKit

/// Organizations' timelines, read from the audit trail, and what their members chose to hear of.
extension SQLStore {
    func activity(organizationID: UUID, limit: Int) async throws -> [ActivityItem] {
        try await driver.read { db in
            // A response's and a delivery's events name them, not their petition: it is found
            // through their rows, which are never deleted.
            try await db.raw(
                """
                SELECT e.at, e.id, e.action, e.details, p.slug, p.title, p.language,
                       r.state AS response_state, COALESCE(rt.name, dt.name) AS target_name,
                       d.channel AS delivery_channel, d.delivered_at
                FROM audit_events e
                LEFT JOIN responses r ON e.subject_type = 'response' AND r.id = e.subject_id
                LEFT JOIN deliveries d ON e.subject_type = 'delivery' AND d.id = e.subject_id
                JOIN petitions p ON p.id = CASE e.subject_type WHEN 'petition' THEN e.subject_id
                    WHEN 'response' THEN r.petition_id WHEN 'delivery' THEN d.petition_id END
                LEFT JOIN targets rt ON rt.petition_id = r.petition_id AND rt.position = r.target_position
                LEFT JOIN targets dt ON dt.petition_id = d.petition_id AND dt.position = d.target_position
                WHERE e.organization_id = \(bind: organizationID.text) AND p.organization_id = e.organization_id
                    AND e.action IN (\(binds: OrganizationActivity.actions.map(\.rawValue)))
                ORDER BY e.at DESC, e.id LIMIT \(bind: limit)
                """
            ).all().map { row in
                ActivityItem(
                    at: Date(millis: try row.decode(column: "at", as: Int64.self)),
                    action: try AuditAction(stored: row.decode(column: "action", as: String.self)),
                    details: try row.decode(column: "details", as: String.self),
                    petitionSlug: try row.decode(column: "slug", as: String.self),
                    petitionTitle: try row.decode(column: "title", as: String.self),
                    petitionLanguage: try row.decode(column: "language", as: String.self),
                    targetName: try row.decode(column: "target_name", as: String?.self),
                    responseState: try row.decode(column: "response_state", as: String?.self).map {
                        try ResponseState(stored: $0)
                    },
                    deliveryChannel: try row.decode(column: "delivery_channel", as: String?.self).map {
                        try DeliveryChannel(stored: $0)
                    },
                    deliveredAt: try row.decode(column: "delivered_at", as: Int64?.self).map(Date.init(millis:)))
            }
        }
    }

    func submitter(ofPetition petitionID: UUID) async throws -> UUID? {
        try await driver.read { db in
            let row = try await db.raw(
                """
                SELECT actor_account_id FROM audit_events
                WHERE subject_id = \(bind: petitionID.text) AND subject_type = 'petition'
                    AND action = \(bind: AuditAction.petitionSubmitted.rawValue) AND actor_account_id IS NOT NULL
                ORDER BY at DESC, id DESC LIMIT 1
                """
            ).first()
            return try row.map { try UUID(text: $0.decode(column: "actor_account_id", as: String.self)) }
        }
    }

    func noticeChoices(of accountID: UUID) async throws -> [UUID: NoticeChoice] {
        try await driver.read { db in
            var choices: [UUID: NoticeChoice] = [:]
            for row in try await db.raw(
                "SELECT organization_id, notices FROM memberships WHERE account_id = \(bind: accountID.text) AND notices IS NOT NULL"
            ).all() {
                choices[try UUID(text: row.decode(column: "organization_id", as: String.self))] = try NoticeChoice(
                    stored: row.decode(column: "notices", as: String.self))
            }
            return choices
        }
    }
}
