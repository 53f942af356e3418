import Foundation
import Hummingbird

/// Signing in and out, and the account's own page.
struct AccountController: Sendable {
    typealias Context = AppRequestContext

    let signIn: SignIn
    let sessions: Sessions
    let accounts: Accounts
    let organizations: any OrganizationStore
    /// The emails the account chose in each of its organizations.
    let notices: any OrganizationActivityStore
    let cookie: SessionCookie
    let devices: KnownDevices
    let forms: AccountPages
    let limits: AddressLimits

    func addRoutes(to accounts: GroupRouter<AccountRoute, Context>) {
        accounts.get(.signIn, use: signInForm)
        accounts.post(.signIn, use: submitSignIn)
        accounts.post(.signOut, use: signOut)
        accounts.get(.account, use: show)
    }

    /// One answer for every refusal, so that it tells nothing about the address.
    private static let refusal =
        "The email or password is not right. After several wrong tries from one connection, each further try has to wait a little longer."

    @Sendable func signInForm(_ request: Request, context: Context) async throws -> Response {
        let next = SafeReturnPath.validated(request.uri.queryParameters.get("next"))
        if context.signedIn != nil { return .seeOther(next) }
        return forms.respond(.signIn, request: request, context: context) { csrf in
            SignInView(page: forms.layout("Sign in", context), csrf: csrf, next: next)
        }
    }

    /// A browser the account signed in from before is not held to its connection's limit:
    /// others sharing the address cannot keep the account's owner out.
    @Sendable func submitSignIn(_ request: Request, context: Context) async throws -> Response {
        let form = try await forms.form(SignInForm.self, request, context: context)
        let next = SafeReturnPath.validated(form.next)
        let email = String((form.email ?? "").prefix(254))
        let attempt = try await signIn.prepare(
            email: email, address: limits.clientAddress(peer: context.remoteAddress, headers: request.headers),
            deviceToken: request.cookies[devices.name]?.value)
        if !attempt.isKnownDevice { try limits.admit(peer: context.remoteAddress, headers: request.headers) }
        let outcome = try await signIn.attempt(
            attempt, password: form.password ?? "", previousToken: cookie.token(in: request))
        switch outcome {
        case .signedIn(_, let token, let device):
            return AccountPages.redirect(
                next,
                cookies: [
                    cookie.setting(token, maxAgeSeconds: Int(sessions.lifetime)),
                    devices.setting(device),
                ])
        case .wait(let seconds):
            throw RateLimited.wrongPasswords(retryAfterSeconds: seconds)
        case .refused:
            return forms.respond(.signIn, request: request, context: context, status: .unprocessableContent) { csrf in
                SignInView(
                    page: forms.layout("Sign in", context), csrf: csrf, next: next, email: email,
                    problems: ProblemsView(notice: Self.refusal))
            }
        }
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        _ = try await forms.form(request, context: context)
        if let token = cookie.token(in: request) { try await sessions.end(token: token) }
        return AccountPages.redirect(AccountRoute.signIn.path, cookies: [cookie.clearing])
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let account = try request.requireSignedIn(context).account
        let choices = try await notices.noticeChoices(of: account.id)
        let rows = try await organizations.organizations(of: account.id).map {
            AccountView.Row(
                path: OrganizationRoute.organization(slug: $0.organization.slug).path, name: $0.organization.name,
                role: $0.role.rawValue, anchor: AccountView.anchor($0.organization),
                noticesPath: OrganizationRoute.notices(organization: $0.organization.slug).path,
                notices: NoticeOption.all(role: $0.role, choice: choices[$0.organization.id]))
        }
        let email = try accounts.email(of: account)
        let notice =
            request.uri.queryParameters.get("done") == "notices" ? "Your choice of emails is saved." : nil
        return forms.respond(.account, request: request, context: context) { csrf in
            AccountView(
                page: forms.layout("Your account", context), csrf: csrf, name: account.name, email: email,
                isAdmin: account.isAdmin,
                organizations: rows, hasOrganizations: !rows.isEmpty, notice: notice)
        }
    }
}

/// The sign-in form; `next` is where to go once signed in.
struct SignInForm: Decodable {
    var email: String?
    var password: String?
    var next: String?
}
