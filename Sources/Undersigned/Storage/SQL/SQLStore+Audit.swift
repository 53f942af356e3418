import Foundation
import SQLKit

extension SQLStore {
    func auditEntries(organizationID: UUID?, limit: Int) async throws -> [AuditEntry] {
        try await driver.read { db in
            let filter: SQLQueryString = organizationID.map { "WHERE e.organization_id = \(bind: $0.text)" } ?? ""
            return try await db.raw(
                """
                SELECT e.id, e.at, e.actor_account_id, e.actor_label, e.action, e.subject_type, e.subject_id, e.organization_id, e.details,
                       a.name AS actor_name, o.slug AS organization_slug,
                       COALESCE(sp.title, sa.name, so.name, sk.label) AS subject_name
                FROM audit_events e LEFT JOIN accounts a ON a.id = e.actor_account_id LEFT JOIN organizations o ON o.id = e.organization_id
                LEFT JOIN petitions sp ON e.subject_type = 'petition' AND sp.id = e.subject_id
                LEFT JOIN accounts sa ON e.subject_type = 'account' AND sa.id = e.subject_id
                LEFT JOIN organizations so ON e.subject_type = 'organization' AND so.id = e.subject_id
                LEFT JOIN partner_keys sk ON e.subject_type = 'partner key' AND sk.id = e.subject_id
                \(filter) ORDER BY e.at DESC, e.id LIMIT \(bind: limit)
                """
            ).all().map { row in
                AuditEntry(
                    event: AuditEvent(
                        id: try UUID(text: row.decode(column: "id", as: String.self)),
                        at: Date(millis: try row.decode(column: "at", as: Int64.self)),
                        actorID: try row.decode(column: "actor_account_id", as: String?.self).map {
                            try UUID(text: $0)
                        },
                        actorLabel: try row.decode(column: "actor_label", as: String?.self),
                        action: try AuditAction(stored: row.decode(column: "action", as: String.self)),
                        subjectType: try row.decode(column: "subject_type", as: String.self),
                        subjectID: try row.decode(column: "subject_id", as: String.self),
                        organizationID: try row.decode(column: "organization_id", as: String?.self).map {
                            try UUID(text: $0)
                        },
                        details: try row.decode(column: "details", as: String.self)),
                    actorName: try row.decode(column: "actor_name", as: String?.self),
                    organizationSlug: try row.decode(column: "organization_slug", as: String?.self),
                    subjectName: try row.decode(column: "subject_name", as: String?.self))
            }
        }
    }
}
