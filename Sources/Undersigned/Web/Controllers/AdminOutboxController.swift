import Foundation
import Hummingbird

/// The outbox for the instance's admins, as `undersigned outbox` prints it: queued and failed
/// messages with their attempts and the servers' replies. Content and recipients stay sealed.
struct AdminOutboxController: Sendable {
    typealias Context = AppRequestContext

    let outbox: any OutboxStore
    let forms: AccountPages

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/admin/outbox", use: show)
    }

    struct OutboxView {
        var page: Layout
        var report: String
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.viewOutbox, request, context)
        let report = OutboxReport.text(status: try await outbox.outboxStatus(), entries: try await outbox.outboxEntries(limit: 200))
        return forms.respond("admin-outbox", request: request) { _ in
            OutboxView(page: forms.layout("Outbox", context), report: report)
        }
    }
}
