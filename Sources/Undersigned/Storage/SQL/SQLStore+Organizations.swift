import Foundation
import SQLKit

/// Organizations, memberships and invitations.
extension SQLStore {
    func organization(slug: String) async throws -> Organization? {
        try await driver.read { db in
            try await db.raw("SELECT id, slug, name, created_at FROM organizations WHERE slug = \(bind: slug)").first()
                .map(Self.organization(from:))
        }
    }

    func organization(id: UUID) async throws -> Organization? {
        try await driver.read { db in
            try await db.raw("SELECT id, slug, name, created_at FROM organizations WHERE id = \(bind: id.text)").first()
                .map(Self.organization(from:))
        }
    }

    func role(of accountID: UUID, in organizationID: UUID) async throws -> OrganizationRole? {
        try await driver.read { db in
            try await db.raw(
                "SELECT role FROM memberships WHERE organization_id = \(bind: organizationID.text) AND account_id = \(bind: accountID.text)"
            ).first().map { try OrganizationRole(stored: $0.decode(column: "role", as: String.self)) }
        }
    }

    func members(of organizationID: UUID) async throws -> [Member] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT m.account_id, a.name, m.role, m.created_at, m.notices FROM memberships m JOIN accounts a ON a.id = m.account_id
                WHERE m.organization_id = \(bind: organizationID.text) ORDER BY a.name, m.account_id
                """
            ).all().map { row in
                Member(
                    accountID: try UUID(text: row.decode(column: "account_id", as: String.self)),
                    name: try row.decode(column: "name", as: String.self),
                    role: try OrganizationRole(stored: row.decode(column: "role", as: String.self)),
                    since: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    notices: try row.decode(column: "notices", as: String?.self).map { try NoticeChoice(stored: $0) })
            }
        }
    }

    func organizations(of accountID: UUID) async throws -> [(organization: Organization, role: OrganizationRole)] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT o.id, o.slug, o.name, o.created_at, m.role FROM memberships m JOIN organizations o ON o.id = m.organization_id
                WHERE m.account_id = \(bind: accountID.text) ORDER BY o.name, o.slug
                """
            ).all().map {
                (
                    try Self.organization(from: $0),
                    try OrganizationRole(stored: $0.decode(column: "role", as: String.self))
                )
            }
        }
    }

    func pendingInvitations(of organizationID: UUID, now: Date) async throws -> [Invitation] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: Self.invitationColumns) FROM invitations
                WHERE organization_id = \(bind: organizationID.text) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > \(bind: now.millis)
                ORDER BY created_at DESC
                """
            ).all().map(Self.invitation(from:))
        }
    }

    func invitation(tokenHash: [UInt8]) async throws -> Invitation? {
        try await driver.read { db in
            try await db.raw(
                "SELECT \(unsafeRaw: Self.invitationColumns) FROM invitations WHERE token_hash = \(bind: Data(tokenHash))"
            )
            .first().map(Self.invitation(from:))
        }
    }

    static let invitationColumns =
        "id, organization_id, token_hash, email_fingerprint, sealed_email, role, invited_by, created_at, expires_at, accepted_at, revoked_at"

    static func organization(from row: any SQLRow) throws -> Organization {
        Organization(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            slug: try row.decode(column: "slug", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    static func invitation(from row: any SQLRow) throws -> Invitation {
        Invitation(
            id: try UUID(text: row.decode(column: "id", as: String.self)),
            organizationID: try UUID(text: row.decode(column: "organization_id", as: String.self)),
            tokenHash: Array(try row.decode(column: "token_hash", as: Data.self)),
            emailFingerprint: Array(try row.decode(column: "email_fingerprint", as: Data.self)),
            sealedEmail: Array(try row.decode(column: "sealed_email", as: Data.self)),
            role: try OrganizationRole(stored: row.decode(column: "role", as: String.self)),
            invitedBy: try row.decode(column: "invited_by", as: String?.self).map { try UUID(text: $0) },
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Date(millis: try row.decode(column: "expires_at", as: Int64.self)),
            acceptedAt: try row.decode(column: "accepted_at", as: Int64?.self).map(Date.init(millis:)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millis:)))
    }
}

extension SQLAccountTransaction {
    func insert(_ organization: Organization) async throws -> Bool {
        try await db.raw(
            """
            INSERT INTO organizations (id, slug, name, created_at)
            VALUES (\(bind: organization.id.text), \(bind: organization.slug), \(bind: organization.name), \(bind: organization.createdAt.millis))
            ON CONFLICT (slug) DO NOTHING RETURNING id
            """
        ).first() != nil
    }

    func setMembership(organizationID: UUID, accountID: UUID, role: OrganizationRole, at date: Date) async throws {
        try await db.raw(
            """
            INSERT INTO memberships (organization_id, account_id, role, created_at)
            VALUES (\(bind: organizationID.text), \(bind: accountID.text), \(bind: role.rawValue), \(bind: date.millis))
            ON CONFLICT (organization_id, account_id) DO UPDATE SET role = excluded.role
            """
        ).run()
    }

    func noticeChoice(organizationID: UUID, accountID: UUID) async throws -> NoticeChoice? {
        try await db.raw(
            "SELECT notices FROM memberships WHERE organization_id = \(bind: organizationID.text) AND account_id = \(bind: accountID.text)"
        ).first()?.decode(column: "notices", as: String?.self).map { try NoticeChoice(stored: $0) }
    }

    func setNoticeChoice(_ choice: NoticeChoice, organizationID: UUID, accountID: UUID) async throws {
        try await db.raw(
            """
            UPDATE memberships SET notices = \(bind: choice.rawValue)
            WHERE organization_id = \(bind: organizationID.text) AND account_id = \(bind: accountID.text)
            """
        ).run()
    }

    func removeMembership(organizationID: UUID, accountID: UUID) async throws {
        try await db.raw(
            "DELETE FROM memberships WHERE organization_id = \(bind: organizationID.text) AND account_id = \(bind: accountID.text)"
        ).run()
    }

    func lockedMemberships(organizationID: UUID) async throws -> [UUID: OrganizationRole] {
        var roles: [UUID: OrganizationRole] = [:]
        let rows = try await db.raw(
            "SELECT account_id, role FROM memberships WHERE organization_id = \(bind: organizationID.text) ORDER BY account_id \(unsafeRaw: flavor.lockRows)"
        ).all()
        for row in rows {
            roles[try UUID(text: row.decode(column: "account_id", as: String.self))] = try OrganizationRole(
                stored: row.decode(column: "role", as: String.self))
        }
        return roles
    }

    func insert(_ invitation: Invitation) async throws {
        try await db.raw(
            """
            INSERT INTO invitations (id, organization_id, token_hash, email_fingerprint, sealed_email, role, invited_by, created_at, expires_at)
            VALUES (\(bind: invitation.id.text), \(bind: invitation.organizationID.text), \(bind: Data(invitation.tokenHash)),
                    \(bind: Data(invitation.emailFingerprint)), \(bind: Data(invitation.sealedEmail)), \(bind: invitation.role.rawValue),
                    \(bind: invitation.invitedBy?.text), \(bind: invitation.createdAt.millis), \(bind: invitation.expiresAt.millis))
            """
        ).run()
    }

    func lockedInvitation(tokenHash: [UInt8]) async throws -> Invitation? {
        try await db.raw(
            "SELECT \(unsafeRaw: SQLStore.invitationColumns) FROM invitations WHERE token_hash = \(bind: Data(tokenHash)) \(unsafeRaw: flavor.lockRows)"
        ).first().map(SQLStore.invitation(from:))
    }

    func markInvitationAccepted(id: UUID, by accountID: UUID, at date: Date) async throws {
        try await db.raw(
            "UPDATE invitations SET accepted_at = \(bind: date.millis), accepted_by = \(bind: accountID.text) WHERE id = \(bind: id.text)"
        ).run()
    }

    func revokeInvitation(id: UUID, organizationID: UUID, at date: Date) async throws -> Bool {
        try await db.raw(
            """
            UPDATE invitations SET revoked_at = \(bind: date.millis)
            WHERE id = \(bind: id.text) AND organization_id = \(bind: organizationID.text) AND accepted_at IS NULL AND revoked_at IS NULL
            RETURNING id
            """
        ).first() != nil
    }
}
