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
        accounts.post(.account, use: chooseLanguage)
    }

    @Sendable func signInForm(_ request: Request, context: Context) async throws -> Response {
        let next = SafeReturnPath.validated(request.uri.queryParameters.get("next"))
        if context.signedIn != nil { return .seeOther(next) }
        return forms.respond(.signIn, request: request, context: context) { csrf in
            SignInView(page: forms.layout(forms.words(context).text(.signInTitle), context), csrf: csrf, next: next)
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
            deviceToken: request.cookie(devices.name))
        if !attempt.isKnownDevice { try limits.admit(peer: context.remoteAddress, headers: request.headers) }
        let outcome = try await signIn.attempt(
            attempt, password: form.password ?? "", previousToken: cookie.token(in: request),
            language: context.language())
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
            let words = forms.words(context)
            return forms.respond(.signIn, request: request, context: context, status: .unprocessableContent) { csrf in
                SignInView(
                    page: forms.layout(words.text(.signInTitle), context), csrf: csrf, next: next, email: email,
                    // One answer for every refusal, so that it tells nothing about the address.
                    problems: ProblemsView(notice: words.text(.signInRefused)))
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
        let words = forms.words(context)
        let choices = try await notices.noticeChoices(of: account.id)
        let rows = try await organizations.organizations(of: account.id).map {
            AccountView.Row(
                path: OrganizationRoute.organization(slug: $0.organization.slug).path, name: $0.organization.name,
                role: words.label(of: $0.role), anchor: AccountView.anchor($0.organization),
                noticesPath: OrganizationRoute.notices(organization: $0.organization.slug).path,
                noticesLabel: words.text(.accountNoticesFor, ["organization": $0.organization.name]),
                notices: NoticeOption.all(role: $0.role, choice: choices[$0.organization.id], words))
        }
        let email = try accounts.email(of: account)
        let notice: String? =
            switch request.uri.queryParameters.get("done") {
            case "notices": words.text(.accountNoticeNotices)
            case "language": words.text(.accountNoticeLanguage)
            default: nil
            }
        return forms.respond(.account, request: request, context: context) { csrf in
            AccountView(
                page: forms.layout(words.text(.accountTitle), context), csrf: csrf, name: account.name,
                signedInAs: words.text(.accountSignedInAs, ["email": email]),
                isAdmin: account.isAdmin,
                organizations: rows, hasOrganizations: !rows.isEmpty, notice: notice,
                languages: AccountView.LanguageOption.all(selected: account.emailLanguage ?? .en))
        }
    }

    /// The language of the emails the account is sent, chosen on its page.
    @Sendable func chooseLanguage(_ request: Request, context: Context) async throws -> Response {
        let account = try request.requireSignedIn(context).account
        let form = try await forms.form(EmailLanguageForm.self, request, context: context)
        // The page offers only the interface's languages: any other was not sent from it.
        guard let language = form.language.flatMap(InterfaceLanguage.init(rawValue:)) else {
            throw AppError.badRequest(forms.words(context).text(.accountLanguageUnknown))
        }
        try await accounts.chooseEmailLanguage(language, for: account)
        return AccountPages.redirect(
            AccountRoute.account.path(query: ["done": "language"], fragment: "email-language"))
    }
}

/// The language of the account's emails, as its page sends it.
struct EmailLanguageForm: Decodable {
    var language: String?
}

/// The sign-in form; `next` is where to go once signed in.
struct SignInForm: Decodable {
    var email: String?
    var password: String?
    var next: String?
}
