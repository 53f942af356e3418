import Foundation
import Hummingbird

/// `undersigned verify-log` as a page for the instance's admins: every petition's signature
/// log recomputed from its entries and checked against its heads, state and published count.
struct AdminLogController: Sendable {
    typealias Context = AppRequestContext

    let verifier: LogVerifier
    let petitions: any PetitionStore
    let forms: AccountPages

    func addRoutes(to admin: GroupRouter<AdminRoute, Context>) {
        admin.get(.log, use: verify)
    }

    struct LogReportView {
        struct Row {
            var petition: String
            /// Its public page, when it still has a slug.
            var path: String?
            var entries: String
            var count: String
            var treeHeads: Int
            var isValid: Bool
            var problems: [String]
        }

        var page: Layout
        var rows: [Row]
        var allValid: Bool
    }

    @Sendable func verify(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.verifySignatureLogs, request, context)
        let words = forms.words(context)
        var rows: [LogReportView.Row] = []
        for report in try await verifier.verifyAll() {
            let petition = try await petitions.petition(id: report.petitionID)
            rows.append(
                .init(
                    petition: petition?.slug ?? report.petitionID.text,
                    path: petition.map { PetitionRoute.page(slug: $0.slug).path },
                    entries: words.language.number(Int(report.entries)),
                    count: words.language.number(report.count), treeHeads: report.treeHeadsChecked,
                    isValid: report.isValid,
                    problems: report.problems))
        }
        return forms.respond(.adminLog, request: request, context: context) { _ in
            LogReportView(
                page: forms.layout(words.text(.auditLogTitle), context), rows: rows,
                allValid: rows.allSatisfy(\.isValid))
        }
    }
}
