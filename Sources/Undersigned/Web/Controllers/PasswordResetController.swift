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

    func addRoutes(to accounts: GroupRouter<AccountRoute, Context>) {
        accounts.get(.reset, use: requestForm)
        accounts.post(.reset, use: submitRequest)
        accounts.get(AccountRoute.newPassword, use: passwordForm)
        accounts.post(AccountRoute.newPassword, use: submitPassword)
    }

    @Sendable func requestForm(_ request: Request, context: Context) async throws -> Response {
        forms.respond(.resetRequest, request: request, context: context) { csrf in
            ResetRequestView(page: forms.layout(forms.words(context).text(.resetTitle), context), csrf: csrf)
        }
    }

    /// The same answer whether or not the address has an account.
    @Sendable func submitRequest(_ request: Request, context: Context) async throws -> Response {
        try limits.admit(peer: context.remoteAddress, headers: request.headers)
        let form = try await forms.form(ResetRequestForm.self, request, context: context)
        let email = String((form.email ?? "").prefix(254))
        let words = forms.words(context)
        guard EmailAddress(email) != nil else {
            return forms.respond(.resetRequest, request: request, context: context, status: .unprocessableContent) {
                csrf in
                ResetRequestView(
                    page: forms.layout(words.text(.resetTitle), context), csrf: csrf, email: email,
                    problems: ProblemsView(FormProblems("email", words.text(.accountProblemEmail))))
            }
        }
        try await resets.request(email: email, language: words.language)
        return forms.respond(.resetRequest, request: request, context: context) { csrf in
            ResetRequestView(page: forms.layout(words.text(.resetTitle), context), csrf: csrf, sent: true)
        }
    }

    @Sendable func passwordForm(_ request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get(.token) ?? ""
        guard try await resets.account(forToken: token) != nil else { throw AppError.invalidResetLink }
        return passwordPage(request, context: context, token: token, problems: FormProblems(), status: .ok)
    }

    @Sendable func submitPassword(_ request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get(.token) ?? ""
        let form = try await forms.form(NewPasswordForm.self, request, context: context)
        do {
            guard
                let (_, session) = try await resets.complete(
                    token: token, password: form.password ?? "", confirmation: form.confirmation ?? "",
                    previousToken: cookie.token(in: request), words: forms.words(context))
            else { throw AppError.invalidResetLink }
            return AccountPages.redirect(
                AccountRoute.account.path,
                cookies: [cookie.setting(session, maxAgeSeconds: Int(sessions.lifetime))])
        } catch let problems as FormProblems {
            return passwordPage(
                request, context: context, token: token, problems: problems, status: .unprocessableContent)
        }
    }

    private func passwordPage(
        _ request: Request, context: Context, token: String, problems: FormProblems, status: HTTPResponse.Status
    ) -> Response {
        forms.respond(.resetPassword, request: request, context: context, status: status) { csrf in
            ResetPasswordView(
                page: forms.layout(forms.words(context).text(.resetNewTitle), context), csrf: csrf,
                newPasswordPath: AccountRoute.newPassword(token: token).path,
                problems: ProblemsView(problems))
        }
    }
}

/// The form asking for a reset link.
struct ResetRequestForm: Decodable {
    var email: String?
}

/// The new password, typed twice, that a reset link sets.
struct NewPasswordForm: Decodable {
    var password: String?
    var confirmation: String?
}
