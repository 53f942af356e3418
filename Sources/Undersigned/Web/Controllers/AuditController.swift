import Foundation
import Hummingbird

/// The audit log: an organization's for its owners, the instance's for its admins.
struct AuditController: Sendable {
    typealias Context = AppRequestContext

    let audit: any AuditStore
    let access: OrganizationAccess
    let forms: AccountPages

    static let limit = 200

    func addRoutes(to organizations: GroupRouter<OrganizationRoute, Context>, admin: GroupRouter<AdminRoute, Context>) {
        organizations.get(OrganizationRoute.audit, use: organizationLog)
        admin.get(.audit, use: instanceLog)
    }

    @Sendable func organizationLog(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewAuditLog, request, context)
        let entries = try await audit.auditEntries(organizationID: granted.organization.id, limit: Self.limit)
        let words = forms.words(context)
        let heading = words.text(.auditOrganizationTitle, ["organization": granted.organization.name])
        return forms.respond(.audit, request: request, context: context) { _ in
            AuditView(
                page: forms.layout(heading, context), heading: heading,
                limit: Self.limit, showOrganization: false, entries: entries, words: words)
        }
    }

    @Sendable func instanceLog(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.viewInstanceAuditLog, request, context)
        let entries = try await audit.auditEntries(organizationID: nil, limit: Self.limit)
        let words = forms.words(context)
        return forms.respond(.audit, request: request, context: context) { _ in
            AuditView(
                page: forms.layout(words.text(.auditTitle), context), heading: words.text(.auditInstanceTitle),
                limit: Self.limit, showOrganization: true, entries: entries, words: words)
        }
    }
}
