import Foundation
import Hummingbird

/// The outbox for the instance's admins, as `undersigned outbox` prints it: queued and failed
/// messages with their attempts and the servers' replies. Content and recipients stay sealed.
/// The report itself is the command's, in English, as an operator reads it in the logs too.
struct AdminOutboxController: Sendable {
    typealias Context = AppRequestContext

    let outbox: any OutboxStore
    let forms: AccountPages
    let clock: WallClock

    func addRoutes(to admin: GroupRouter<AdminRoute, Context>) {
        admin.get(.outbox, use: show)
    }

    struct OutboxView {
        var page: Layout
        var report: String
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.viewOutbox, request, context)
        let report = OutboxReport.text(
            status: try await outbox.outboxStatus(), entries: try await outbox.outboxEntries(limit: 200),
            now: clock.now)
        return forms.respond(.adminOutbox, request: request, context: context) { _ in
            OutboxView(page: forms.layout(forms.words(context).text(.adminOutboxHeading), context), report: report)
        }
    }
}
