import Foundation
import Hummingbird

/// Every account for the instance's admins, who may disable one (its sessions end at once)
/// and enable it again.
struct AdminAccountsController: Sendable {
    typealias Context = AppRequestContext

    let accounts: Accounts
    let store: any AccountStore
    let forms: AccountPages

    func addRoutes(to admin: GroupRouter<AdminRoute, Context>) {
        admin.get(.accounts, use: list)
        admin.post(AdminRoute.disableAccount) { try await setDisabled(true, $0, $1) }
        admin.post(AdminRoute.enableAccount) { try await setDisabled(false, $0, $1) }
    }

    struct AccountsView {
        struct Row {
            var enableAccountPath: String
            var disableAccountPath: String
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
        let words = forms.words(context)
        let notice = request.uri.queryParameters.get("done").flatMap {
            ["disabled": Phrase.adminAccountsNoticeDisabled, "enabled": .adminAccountsNoticeEnabled][$0]
        }
        .map { words.text($0) }
        return try await page(request, context, admin: admin, notice: notice)
    }

    private func setDisabled(_ disabled: Bool, _ request: Request, _ context: Context) async throws -> Response {
        let admin = try OrganizationAccess.requireAdmin(.manageAccounts, request, context)
        let id = try context.parameters.id(.id)
        _ = try await forms.form(request, context: context)
        do {
            try await accounts.setDisabled(id, disabled, by: admin)
        } catch let problems as FormProblems {
            return try await page(request, context, admin: admin, problems: ProblemsView(problems), status: .conflict)
        }
        return AccountPages.redirect(AdminRoute.accounts.path(query: ["done": disabled ? "disabled" : "enabled"]))
    }

    private func page(
        _ request: Request, _ context: Context, admin: Account, notice: String? = nil,
        problems: ProblemsView = ProblemsView(),
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let words = forms.words(context)
        let rows = try await store.allAccounts().map { account in
            AccountsView.Row(
                enableAccountPath: AdminRoute.enableAccount(id: account.id.text).path,
                disableAccountPath: AdminRoute.disableAccount(id: account.id.text).path, name: account.name,
                email: try accounts.email(of: account),
                isAdmin: account.isAdmin,
                created: AuditView.time(account.createdAt),
                status: words.text(account.isDisabled ? .adminAccountsStatusDisabled : .adminAccountsStatusActive),
                isDisabled: account.isDisabled, isSelf: account.id == admin.id)
        }
        return forms.respond(.adminAccounts, request: request, context: context, status: status) { csrf in
            AccountsView(
                page: forms.layout(words.text(.adminAccountsHeading), context), csrf: csrf, rows: rows, notice: notice,
                problems: problems)
        }
    }
}
