import Foundation
import Hummingbird

/// Creating organizations, their page, and managing their members, invitations and the
/// public key their delivery packages are encrypted to.
struct OrganizationController: Sendable {
    typealias Context = AppRequestContext

    let organizations: Organizations
    let keys: OrganizationKeys
    let partnerKeys: PartnerKeys
    let store: any OrganizationStore
    let petitions: any PetitionEditingStore
    let access: OrganizationAccess
    let forms: AccountPages
    let clock: WallClock

    func addRoutes(to organizations: GroupRouter<OrganizationRoute, Context>) {
        organizations.get(.newOrganization, use: newForm)
        organizations.post(.newOrganization, use: create)
        organizations.get(OrganizationRoute.organization, use: show)
        organizations.post(OrganizationRoute.invite, use: invite)
        organizations.post(OrganizationRoute.revokeInvitation, use: revokeInvitation)
        organizations.post(OrganizationRoute.changeRole, use: changeRole)
        organizations.post(OrganizationRoute.removeMember, use: removeMember)
        organizations.post(OrganizationRoute.setKey, use: setKey)
        organizations.post(OrganizationRoute.removeKey, use: removeKey)
        organizations.post(OrganizationRoute.createPartnerKey, use: createPartnerKey)
        organizations.post(OrganizationRoute.revokePartnerKey, use: revokePartnerKey)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        _ = try request.requireSignedIn(context)
        return forms.respond(.organizationNew, request: request, context: context) { csrf in
            NewOrganizationView(
                page: forms.layout(forms.words(context).text(.organizationNewTitle), context), csrf: csrf)
        }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let account = try request.requireSignedIn(context).account
        let form = try await forms.form(NewOrganizationForm.self, request, context: context)
        do {
            let organization = try await organizations.create(
                name: form.name, slug: form.slug, by: account, words: forms.words(context))
            return AccountPages.redirect(OrganizationRoute.organization(slug: organization.slug).path)
        } catch let problems as FormProblems {
            return forms.respond(.organizationNew, request: request, context: context, status: .unprocessableContent) {
                csrf in
                NewOrganizationView(
                    page: forms.layout(forms.words(context).text(.organizationNewTitle), context), csrf: csrf,
                    name: String((form.name ?? "").prefix(100)),
                    slug: String((form.slug ?? "").prefix(50)), problems: ProblemsView(problems))
            }
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewOrganization, request, context)
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }.map {
            forms.words(context).text($0)
        }
        return try await page(granted, request: request, context: context, status: .ok, notice: notice)
    }

    @Sendable func invite(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let form = try await forms.form(InvitationForm.self, request, context: context)
        do {
            try await organizations.invite(
                email: form.email, role: form.role, to: granted.organization, by: granted.account,
                words: forms.words(context))
            return Self.redirect(granted, done: "invited")
        } catch let problems as FormProblems {
            return try await page(granted, request: request, context: context, status: .unprocessableContent) { view in
                view.inviteEmail = String((form.email ?? "").prefix(254))
                view.inviteRoles = RoleOption.all(
                    selected: OrganizationRole(rawValue: form.role ?? "") ?? .editor, forms.words(context))
                view.problems = ProblemsView(problems)
            }
        }
    }

    @Sendable func revokeInvitation(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let id = try context.parameters.id(.id)
        _ = try await forms.form(request, context: context)
        try await organizations.revokeInvitation(id: id, of: granted.organization, by: granted.account)
        return Self.redirect(granted, done: "withdrawn")
    }

    @Sendable func changeRole(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let memberID = try context.parameters.id(.id)
        let body = try await forms.form(request, context: context)
        // The page offers only the roles there are: any other was not sent from it.
        guard let change = try? body.decode(RoleForm.self) else { throw AppError.unknownRole }
        try await organizations.changeRole(
            of: memberID, to: change.role, in: granted.organization, by: granted.account)
        return Self.redirect(granted, done: "role")
    }

    /// Removing a member asks first: what they lose, and that only an invitation brings them back.
    @Sendable func removeMember(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageMembers, request, context)
        let memberID = try context.parameters.id(.id)
        let form = try await forms.form(request, context: context)
        guard ConfirmationStep.isConfirmed(form) else {
            let organization = granted.organization
            let members = try await store.members(of: organization.id)
            guard let member = members.first(where: { $0.accountID == memberID }) else {
                throw OrganizationError.notAMember
            }
            if OrganizationRole.isLastOwner(member.role, among: members.map(\.role)) {
                throw OrganizationError.lastOwner
            }
            let isSelf = memberID == granted.account.id
            let words = forms.words(context)
            let values = [
                "name": member.name, "organization": organization.name, "role": words.label(of: member.role),
            ]
            let path = OrganizationRoute.organization(slug: organization.slug).path
            let step = ConfirmationStep(
                heading: words.text(isSelf ? .organizationRemoveSelfHeading : .organizationRemoveHeading, values),
                consequences: [
                    words.text(isSelf ? .organizationRemoveSelfLoses : .organizationRemoveLoses, values),
                    words.text(isSelf ? .organizationRemoveSelfBack : .organizationRemoveBack),
                ],
                confirmLabel: words.text(isSelf ? .organizationRemoveSelfConfirm : .organizationRemoveConfirm, values),
                action: OrganizationRoute.removeMember(organization: organization.slug, member: memberID.text).path,
                backPath: path, backLabel: words.text(.organizationRemoveCancel, values))
            return forms.confirmation(step, request: request, context: context)
        }
        try await organizations.remove(memberID, from: granted.organization, by: granted.account)
        // Whoever removed themselves can no longer see the organization.
        let stillMember = try await store.role(of: granted.account.id, in: granted.organization.id) != nil
        guard stillMember || granted.account.isAdmin else { return AccountPages.redirect(AccountRoute.account.path) }
        return Self.redirect(granted, done: "removed")
    }

    @Sendable func setKey(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageOrganizationKey, request, context)
        let form = try await forms.form(OrganizationKeyForm.self, request, context: context)
        do {
            try await keys.set(
                text: form.key, of: granted.organization, by: granted.account, words: forms.words(context))
            return Self.redirect(granted, done: "key", fragment: "package-key")
        } catch let problems as FormProblems {
            return try await page(granted, request: request, context: context, status: .unprocessableContent) { view in
                view.keyForm = .init(text: String((form.key ?? "").prefix(200)), problems: ProblemsView(problems))
            }
        }
    }

    @Sendable func removeKey(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageOrganizationKey, request, context)
        _ = try await forms.form(request, context: context)
        try await keys.remove(from: granted.organization, by: granted.account)
        return Self.redirect(granted, done: "key-removed", fragment: "package-key")
    }

    /// The key is shown on the page that answers, once: it is not kept.
    @Sendable func createPartnerKey(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.managePartnerKeys, request, context)
        let form = try await forms.form(PartnerKeyForm.self, request, context: context)
        do {
            let words = forms.words(context)
            let made = try await partnerKeys.create(
                label: form.label, for: granted.organization, by: granted.account, words: words)
            return try await page(
                granted, request: request, context: context, status: .ok,
                notice: words.text(.partnerKeysMade, ["label": made.key.label])
            ) { view in
                view.newPartnerKey = made.secret
            }
        } catch let problems as FormProblems {
            return try await page(granted, request: request, context: context, status: .unprocessableContent) { view in
                view.partnerKeyForm = .init(
                    text: String((form.label ?? "").prefix(PartnerKey.maximumLabelLength)),
                    problems: ProblemsView(problems))
            }
        }
    }

    @Sendable func revokePartnerKey(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.managePartnerKeys, request, context)
        let id = try context.parameters.id(.id)
        _ = try await forms.form(request, context: context)
        try await partnerKeys.revoke(id, of: granted.organization, by: granted.account)
        return Self.redirect(granted, done: "partner-key-revoked", fragment: "partner-keys")
    }

    /// Back to the organization's page, which says what was done.
    private static func redirect(_ granted: OrganizationAccess.Granted, done: String, fragment: String? = nil)
        -> Response
    {
        AccountPages.redirect(
            OrganizationRoute.organization(slug: granted.organization.slug).path(
                query: ["done": done], fragment: fragment))
    }

    static let notices: [String: Phrase] = [
        "invited": .organizationNoticeInvited, "withdrawn": .organizationNoticeWithdrawn,
        "role": .organizationNoticeRole,
        "removed": .organizationNoticeRemoved,
        "key": .organizationNoticeKey,
        "key-removed": .organizationNoticeKeyRemoved,
        "partner-key-revoked": .organizationNoticePartnerKeyRevoked,
    ]

    private func page(
        _ granted: OrganizationAccess.Granted, request: Request, context: Context, status: HTTPResponse.Status,
        notice: String? = nil,
        adjust: (inout OrganizationView) -> Void = { _ in }
    ) async throws -> Response {
        let organization = granted.organization
        let words = forms.words(context)
        let canManage = granted.allows(.manageMembers)
        let memberships = try await store.members(of: organization.id)
        let roles = memberships.map(\.role)
        let members = memberships.map {
            OrganizationView.MemberRow(
                id: $0.accountID.text, name: $0.name, role: words.label(of: $0.role),
                roles: RoleOption.all(selected: $0.role, words),
                isLastOwner: OrganizationRole.isLastOwner($0.role, among: roles),
                changeRolePath: OrganizationRoute.changeRole(organization: organization.slug, member: $0.accountID.text)
                    .path,
                removeMemberPath: OrganizationRoute.removeMember(
                    organization: organization.slug, member: $0.accountID.text
                )
                .path)
        }
        var invitations: [OrganizationView.InvitationRow] = []
        if canManage {
            for invitation in try await store.pendingInvitations(of: organization.id, now: clock.now) {
                invitations.append(
                    OrganizationView.InvitationRow(
                        revokeInvitationPath: OrganizationRoute.revokeInvitation(
                            organization: organization.slug, invitation: invitation.id.text
                        ).path,
                        email: try organizations.email(of: invitation),
                        role: words.label(of: invitation.role),
                        expires: AuditView.time(invitation.expiresAt)))
            }
        }
        let petitionRows = try await petitions.petitions(organizationID: organization.id).map { petition in
            OrganizationView.PetitionRow(
                path: OrganizerRoute.petition(organization: organization.slug, petition: petition.slug).path,
                packagePath: OrganizerRoute.package(organization: organization.slug, petition: petition.slug).path,
                title: petition.title, lang: petition.language,
                dir: TextDirection.of(language: petition.language),
                state: words.label(of: petition.state), created: String(AuditView.time(petition.createdAt).prefix(10)),
                hasSignatures: petition.state.hasOpened)
        }
        let canManagePartnerKeys = granted.allows(.managePartnerKeys)
        let partnerKeyRows =
            canManagePartnerKeys
            ? try await partnerKeys.keys(of: organization).map { key in
                OrganizationView.PartnerKeyRow(
                    label: key.label, hint: key.hint + "…", created: AuditView.time(key.createdAt),
                    lastUsed: key.lastUsedAt.map(AuditView.time) ?? words.text(.partnerKeysNever),
                    revoked: key.revokedAt.map { words.text(.partnerKeysRevokedOn, ["date": AuditView.time($0)]) },
                    revokePartnerKeyPath: OrganizationRoute.revokePartnerKey(
                        organization: organization.slug, key: key.id.text
                    )
                    .path)
            } : []
        let key = try await store.publicKey(of: organization.id).map {
            OrganizationView.KeyView(
                fingerprint: $0.key.fingerprint, text: $0.key.text,
                setOn: words.text(.organizationKeySetOn, ["date": AuditView.time($0.setAt)]))
        }
        return forms.respond(.organization, request: request, context: context, status: status) { csrf in
            var view = OrganizationView(
                page: forms.layout(organization.name, context), csrf: csrf,
                links: OrganizationView.Links(organization: organization.slug),
                name: organization.name,
                role: granted.role.map { words.label(of: $0) } ?? words.instanceAdminLabel, canManage: canManage,
                canViewAudit: granted.allows(.viewAuditLog),
                canEditPetitions: granted.allows(.editPetitions), notice: notice, petitions: petitionRows,
                hasPetitions: !petitionRows.isEmpty,
                canExport: granted.allows(.exportSignatures), members: members, invitations: invitations,
                hasInvitations: !invitations.isEmpty, inviteRoles: RoleOption.all(selected: .editor, words), key: key,
                canManageKey: granted.allows(.manageOrganizationKey))
            view.canManagePartnerKeys = canManagePartnerKeys
            view.partnerKeys = partnerKeyRows
            view.hasPartnerKeys = !partnerKeyRows.isEmpty
            view.signaturesAPIExample = APIRoute.signatures(slug: "SLUG").path
            adjust(&view)
            return view
        }
    }
}

/// A new organization: its name, and the address its page gets (made from the name when
/// left empty).
struct NewOrganizationForm: Decodable {
    var name: String?
    var slug: String?
}

/// Who to invite, and with which role.
struct InvitationForm: Decodable {
    var email: String?
    var role: String?
}

/// A member's new role.
struct RoleForm: Decodable {
    var role: OrganizationRole
}

/// The organization's public key, pasted.
struct OrganizationKeyForm: Decodable {
    var key: String?
}

struct PartnerKeyForm: Decodable {
    var label: String?
}
