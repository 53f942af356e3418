import Foundation
import Hummingbird

/// Asking for a password reset link, and choosing the new password through it.
struct PasswordResetController: Sendable {
    typealias Context = AppRequestContext

    let resets: PasswordResets
    let sessions: Sessions
    let cookie: SessionCookie
    let forms: AccountPages
    let limits: AddressLimits

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/account/reset", use: requestForm)
        router.post("/account/reset", use: submitRequest)
        router.get("/account/reset/:token", use: passwordForm)
        router.post("/account/reset/:token", use: submitPassword)
    }

    @Sendable func requestForm(_ request: Request, context: Context) async throws -> Response {
        forms.respond("reset-request", request: request) { csrf in
            ResetRequestView(page: forms.layout("Reset your password", context), csrf: csrf)
        }
    }

    /// The same answer whether or not the address has an account.
    @Sendable func submitRequest(_ request: Request, context: Context) async throws -> Response {
        try limits.admit(peer: context.remoteAddress, headers: request.headers)
        let body = try await forms.form(request, context: context)
        let email = String((body["email"] ?? "").prefix(254))
        guard EmailAddress(email) != nil else {
            return forms.respond("reset-request", request: request, status: .unprocessableContent) { csrf in
                ResetRequestView(
                    page: forms.layout("Reset your password", context), csrf: csrf, email: email,
                    problems: ProblemsView(FormProblems("email", "This does not look like an email address. Please check it.")))
            }
        }
        try await resets.request(email: email)
        return forms.respond("reset-request", request: request) { csrf in
            ResetRequestView(page: forms.layout("Reset your password", context), csrf: csrf, sent: true)
        }
    }

    @Sendable func passwordForm(_ request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard try await resets.account(forToken: token) != nil else { throw AppError.invalidResetLink }
        return passwordPage(request, context: context, problems: FormProblems(), status: .ok)
    }

    @Sendable func submitPassword(_ request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let body = try await forms.form(request, context: context)
        do {
            guard
                let (_, session) = try await resets.complete(
                    token: token, password: body["password"] ?? "", confirmation: body["confirmation"] ?? "", previousToken: cookie.token(in: request))
            else { throw AppError.invalidResetLink }
            return AccountPages.redirect("/account", cookies: [cookie.setting(session, maxAgeSeconds: sessions.settings.sessionLifetimeDays * 86_400)])
        } catch let problems as FormProblems {
            return passwordPage(request, context: context, problems: problems, status: .unprocessableContent)
        }
    }

    private func passwordPage(_ request: Request, context: Context, problems: FormProblems, status: HTTPResponse.Status) -> Response {
        forms.respond("reset-password", request: request, status: status) { csrf in
            ResetPasswordView(page: forms.layout("Choose a new password", context), csrf: csrf, action: request.uri.path, problems: ProblemsView(problems))
        }
    }
}

extension AppError {
    static let invalidResetLink = AppError.notFound(
        "This password reset link is not valid: it works once, within an hour. Ask for a new one at /account/reset.")
}
