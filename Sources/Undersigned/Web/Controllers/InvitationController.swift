import Foundation
import Hummingbird

/// The emailed invitation link: accept it with the invited account, or create that account.
struct InvitationController: Sendable {
    typealias Context = AppRequestContext

    let organizations: Organizations
    let sessions: Sessions
    let cookie: SessionCookie
    let forms: AccountPages

    func addRoutes(to invitations: GroupRouter<InvitationRoute, Context>) {
        invitations.get(InvitationRoute.invitation, use: show)
        invitations.post(InvitationRoute.accept, use: accept)
        invitations.post(InvitationRoute.createAccount, use: createAccount)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get(.token) ?? ""
        guard let (invitation, organization) = try await organizations.pendingInvitation(token: token) else {
            throw OrganizationError.invalidInvitation
        }
        return try page(invitation, organization, token: token, request: request, context: context, status: .ok)
    }

    @Sendable func accept(_ request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get(.token) ?? ""
        let account = try request.requireSignedIn(context).account
        _ = try await forms.form(request, context: context)
        let organization = try await organizations.accept(token: token, by: account)
        return AccountPages.redirect(OrganizationRoute.organization(slug: organization.slug).path)
    }

    @Sendable func createAccount(_ request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get(.token) ?? ""
        let form = try await forms.form(NewAccountForm.self, request, context: context)
        do {
            let (_, organization, session) = try await organizations.acceptCreatingAccount(
                token: token, name: form.name, password: form.password ?? "",
                confirmation: form.confirmation ?? "",
                previousSession: cookie.token(in: request), words: forms.words(context))
            return AccountPages.redirect(
                OrganizationRoute.organization(slug: organization.slug).path,
                cookies: [cookie.setting(session, maxAgeSeconds: Int(sessions.lifetime))])
        } catch let problems as FormProblems {
            guard let (invitation, organization) = try await organizations.pendingInvitation(token: token) else {
                throw OrganizationError.invalidInvitation
            }
            return try page(
                invitation, organization, token: token, request: request, context: context,
                status: .unprocessableContent,
                name: String((form.name ?? "").prefix(100)), problems: problems)
        }
    }

    private func page(
        _ invitation: Invitation, _ organization: Organization, token: String, request: Request, context: Context,
        status: HTTPResponse.Status,
        name: String = "", problems: FormProblems = FormProblems()
    ) throws -> Response {
        let account = context.signedIn?.account
        let addressed = account.map { organizations.isAddressed(invitation, to: $0) } ?? false
        let email = try organizations.email(of: invitation)
        let words = forms.words(context)
        let heading = words.text(.invitationTitle, ["organization": organization.name])
        let otherAccount = addressed ? nil : account.map { words.text(.invitationOtherAccount, ["name": $0.name]) }
        return forms.respond(.invitation, request: request, context: context, status: status) { csrf in
            InvitationView(
                page: forms.layout(heading, context), csrf: csrf,
                acceptPath: InvitationRoute.accept(token: token).path,
                createAccountPath: InvitationRoute.createAccount(token: token).path,
                signInPath: AccountRoute.signIn.path(query: ["next": InvitationRoute.invitation(token: token).path]),
                heading: heading,
                invited: words.text(
                    .invitationInvited, ["organization": organization.name, "role": words.label(of: invitation.role)]),
                canAccept: addressed, otherAccount: otherAccount,
                anonymous: account == nil,
                email: email, name: name, problems: ProblemsView(problems))
        }
    }
}

/// The account an invitation creates: its name and password, typed twice. The address is
/// the invited one.
struct NewAccountForm: Decodable {
    var name: String?
    var password: String?
    var confirmation: String?
}
