import Foundation
import Hummingbird

/// Every account for the instance's admins, who may disable one (its sessions end at once)
/// and enable it again.
struct AdminAccountsController: Sendable {
    typealias Context = AppRequestContext

    let accounts: Accounts
    let store: any AccountStore
    let forms: AccountPages
    let clock: WallClock

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/admin/accounts", use: list)
        router.post("/admin/accounts/:id/disable") { try await setDisabled(true, $0, $1) }
        router.post("/admin/accounts/:id/enable") { try await setDisabled(false, $0, $1) }
    }

    struct AccountsView {
        struct Row {
            var id: String
            var name: String
            var email: String
            var isAdmin: Bool
            var created: String
            var status: String
            var isDisabled: Bool
            var isSelf: Bool
        }

        var page: Layout
        var csrf: String
        var rows: [Row]
        var notice: String?
        var problems: ProblemsView
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let admin = try OrganizationAccess.requireAdmin(.manageAccounts, request, context)
        let notice = request.uri.queryParameters.get("done").flatMap { ["disabled": "The account is disabled.", "enabled": "The account is enabled."][$0] }
        return try await page(request, context, admin: admin, notice: notice)
    }

    private func setDisabled(_ disabled: Bool, _ request: Request, _ context: Context) async throws -> Response {
        let admin = try OrganizationAccess.requireAdmin(.manageAccounts, request, context)
        let id = try context.parameters.id("id")
        _ = try await forms.form(request, context: context)
        do {
            try await accounts.setDisabled(id, disabled, by: admin)
        } catch let problems as FormProblems {
            return try await page(request, context, admin: admin, problems: ProblemsView(problems), status: .conflict)
        }
        return AccountPages.redirect("/admin/accounts?done=\(disabled ? "disabled" : "enabled")")
    }

    private func page(
        _ request: Request, _ context: Context, admin: Account, notice: String? = nil, problems: ProblemsView = ProblemsView(),
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let now = clock.now
        let rows = try await store.allAccounts().map { account in
            AccountsView.Row(
                id: account.id.text, name: account.name, email: try accounts.email(of: account), isAdmin: account.isAdmin,
                created: AuditView.time(account.createdAt),
                status: account.isDisabled ? "disabled" : account.isLocked(at: now) ? "locked after failed sign-ins" : "active",
                isDisabled: account.isDisabled, isSelf: account.id == admin.id)
        }
        return forms.respond("admin-accounts", request: request, status: status) { csrf in
            AccountsView(page: forms.layout("Accounts", context), csrf: csrf, rows: rows, notice: notice, problems: problems)
        }
    }
}
