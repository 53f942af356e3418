import Foundation
import Hummingbird

/// Signing in and out, and the account's own page.
struct AccountController: Sendable {
    typealias Context = AppRequestContext

    let signIn: SignIn
    let sessions: Sessions
    let accounts: Accounts
    let organizations: any OrganizationStore
    let cookie: SessionCookie
    let forms: AccountPages
    let limits: AddressLimits

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/account/sign-in", use: signInForm)
        router.post("/account/sign-in", use: submitSignIn)
        router.post("/account/sign-out", use: signOut)
        router.get("/account", use: show)
    }

    /// One answer for every refusal, so that it tells nothing about the address.
    private var refusal: String {
        "The email or password is not right. After several wrong tries an account is paused for a while: if that may be so, "
            + "try again in \(sessions.settings.lockoutMinutes) minutes, or reset your password."
    }

    @Sendable func signInForm(_ request: Request, context: Context) async throws -> Response {
        let next = SafeReturnPath.validated(request.uri.queryParameters.get("next"))
        if context.signedIn != nil { return .seeOther(next) }
        return forms.respond("sign-in", request: request) { csrf in
            SignInView(page: forms.layout("Sign in", context), csrf: csrf, next: next)
        }
    }

    @Sendable func submitSignIn(_ request: Request, context: Context) async throws -> Response {
        try limits.admit(peer: context.remoteAddress, headers: request.headers)
        let body = try await forms.form(request, context: context)
        let next = SafeReturnPath.validated(body["next"])
        let email = String((body["email"] ?? "").prefix(254))
        let outcome = try await signIn.attempt(email: email, password: body["password"] ?? "", previousToken: cookie.token(in: request))
        switch outcome {
        case .signedIn(_, let token):
            return AccountPages.redirect(next, cookies: [cookie.setting(token, maxAgeSeconds: sessions.settings.sessionLifetimeDays * 86_400)])
        case .refused:
            return forms.respond("sign-in", request: request, status: .unprocessableContent) { csrf in
                SignInView(
                    page: forms.layout("Sign in", context), csrf: csrf, next: next, email: email,
                    problems: ProblemsView(notice: refusal))
            }
        }
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        _ = try await forms.form(request, context: context)
        if let token = cookie.token(in: request) { try await sessions.end(token: token) }
        return AccountPages.redirect("/account/sign-in", cookies: [cookie.clearing])
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let account = try request.requireSignedIn(context).account
        let rows = try await organizations.organizations(of: account.id).map {
            AccountView.Row(slug: $0.organization.slug, name: $0.organization.name, role: $0.role.rawValue)
        }
        let email = try accounts.email(of: account)
        return forms.respond("account", request: request) { csrf in
            AccountView(
                page: forms.layout("Your account", context), csrf: csrf, name: account.name, email: email, isAdmin: account.isAdmin,
                organizations: rows, hasOrganizations: !rows.isEmpty)
        }
    }
}
