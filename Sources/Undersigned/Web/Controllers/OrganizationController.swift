import Foundation
import Hummingbird

/// Creating organizations, their page, and managing their members, invitations and the
/// public key their delivery packages are encrypted to.
struct OrganizationController: Sendable {
    typealias Context = AppRequestContext

    let organizations: Organizations
    let keys: OrganizationKeys
    let store: any OrganizationStore
    let petitions: any PetitionEditingStore
    let access: OrganizationAccess
    let forms: AccountPages
    let clock: WallClock

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/org/new", use: newForm)
        router.post("/org/new", use: create)
        router.get("/org/:slug", use: show)
        router.post("/org/:slug/invitations", use: invite)
        router.post("/org/:slug/invitations/:id/revoke", use: revokeInvitation)
        router.post("/org/:slug/members/:id/role", use: changeRole)
        router.post("/org/:slug/members/:id/remove", use: removeMember)
        router.post("/org/:slug/key", use: setKey)
        router.post("/org/:slug/key/remove", use: removeKey)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        _ = try request.requireSignedIn(context)
        return forms.respond("organization-new", request: request) { csrf in
            NewOrganizationView(page: forms.layout("Create an organization", context), csrf: csrf)
        }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let account = try request.requireSignedIn(context).account
        let body = try await forms.form(request, context: context)
        do {
            let organization = try await organizations.create(name: body["name"], slug: body["slug"], by: account)
            return AccountPages.redirect("/org/\(organization.slug)")
        } catch let problems as FormProblems {
            return forms.respond("organization-new", request: request, status: .unprocessableContent) { csrf in
                NewOrganizationView(
                    page: forms.layout("Create an organization", context), csrf: csrf, name: String((body["name"] ?? "").prefix(100)),
                    slug: String((body["slug"] ?? "").prefix(50)), problems: ProblemsView(problems))
            }
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewOrganization, request, context)
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }
        return try await page(granted, request: request, context: context, status: .ok, notice: notice)
    }

    @Sendable func invite(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let body = try await forms.form(request, context: context)
        do {
            try await organizations.invite(email: body["email"], role: body["role"], to: granted.organization, by: granted.account)
            return AccountPages.redirect("/org/\(granted.organization.slug)?done=invited")
        } catch let problems as FormProblems {
            return try await page(granted, request: request, context: context, status: .unprocessableContent) { view in
                view.inviteEmail = String((body["email"] ?? "").prefix(254))
                view.inviteRoles = RoleOption.all(selected: OrganizationRole(rawValue: body["role"] ?? "") ?? .editor)
                view.problems = ProblemsView(problems)
            }
        }
    }

    @Sendable func revokeInvitation(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let id = try context.parameters.id("id")
        _ = try await forms.form(request, context: context)
        try await organizations.revokeInvitation(id: id, of: granted.organization, by: granted.account)
        return AccountPages.redirect("/org/\(granted.organization.slug)?done=withdrawn")
    }

    @Sendable func changeRole(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let memberID = try context.parameters.id("id")
        let body = try await forms.form(request, context: context)
        try await organizations.changeRole(of: memberID, to: body["role"], in: granted.organization, by: granted.account)
        return AccountPages.redirect("/org/\(granted.organization.slug)?done=role")
    }

    @Sendable func removeMember(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let memberID = try context.parameters.id("id")
        _ = try await forms.form(request, context: context)
        try await organizations.remove(memberID, from: granted.organization, by: granted.account)
        // Whoever removed themselves can no longer see the organization.
        let stillMember = try await store.role(of: granted.account.id, in: granted.organization.id) != nil
        return AccountPages.redirect(stillMember || granted.account.isAdmin ? "/org/\(granted.organization.slug)?done=removed" : "/account")
    }

    @Sendable func setKey(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageOrganizationKey, request, context)
        let body = try await forms.form(request, context: context)
        do {
            try await keys.set(text: body["key"], of: granted.organization, by: granted.account)
            return AccountPages.redirect("/org/\(granted.organization.slug)?done=key#package-key")
        } catch let problems as FormProblems {
            return try await page(granted, request: request, context: context, status: .unprocessableContent) { view in
                view.keyForm = .init(text: String((body["key"] ?? "").prefix(200)), problems: ProblemsView(problems))
            }
        }
    }

    @Sendable func removeKey(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageOrganizationKey, request, context)
        _ = try await forms.form(request, context: context)
        try await keys.remove(from: granted.organization, by: granted.account)
        return AccountPages.redirect("/org/\(granted.organization.slug)?done=key-removed#package-key")
    }

    static let notices = [
        "invited": "The invitation is on its way.", "withdrawn": "The invitation is withdrawn.", "role": "The role is changed.",
        "removed": "The member is removed.", "key": "The public key is saved: delivery packages are now encrypted to it.",
        "key-removed": "The public key is removed: delivery packages are no longer encrypted.",
    ]

    private func page(
        _ granted: OrganizationAccess.Granted, request: Request, context: Context, status: HTTPResponse.Status, notice: String? = nil,
        adjust: (inout OrganizationView) -> Void = { _ in }
    ) async throws -> Response {
        let organization = granted.organization
        let canManage = granted.allows(.manageMembers)
        let members = try await store.members(of: organization.id).map {
            OrganizationView.MemberRow(id: $0.accountID.text, name: $0.name, role: $0.role.rawValue, roles: RoleOption.all(selected: $0.role))
        }
        var invitations: [OrganizationView.InvitationRow] = []
        if canManage {
            for invitation in try await store.pendingInvitations(of: organization.id, now: clock.now) {
                invitations.append(
                    OrganizationView.InvitationRow(
                        id: invitation.id.text, email: try organizations.email(of: invitation), role: invitation.role.rawValue,
                        expires: AuditView.time(invitation.expiresAt)))
            }
        }
        let petitionRows = try await petitions.petitions(organizationID: organization.id).map { petition in
            OrganizationView.PetitionRow(
                petitionSlug: petition.slug, title: petition.title, lang: petition.language, dir: TextDirection.of(language: petition.language),
                state: petition.state.label, created: AuditView.time(petition.createdAt), isPublic: petition.isPublic)
        }
        let key = try await store.publicKey(of: organization.id).map {
            OrganizationView.KeyView(fingerprint: $0.key.fingerprint, text: $0.key.text, setAt: AuditView.time($0.setAt))
        }
        return forms.respond("organization", request: request, status: status) { csrf in
            var view = OrganizationView(
                page: forms.layout(organization.name, context), csrf: csrf, slug: organization.slug, name: organization.name,
                role: granted.role?.rawValue ?? "instance admin", canManage: canManage, canViewAudit: granted.allows(.viewAuditLog),
                canEditPetitions: granted.allows(.editPetitions), notice: notice, petitions: petitionRows, hasPetitions: !petitionRows.isEmpty,
                canExport: granted.allows(.exportSignatures), members: members, invitations: invitations, hasInvitations: !invitations.isEmpty, key: key,
                canManageKey: granted.allows(.manageOrganizationKey))
            adjust(&view)
            return view
        }
    }
}
