import Foundation
import HTTPTypes
import Hummingbird

/// The unsubscribe link in news emails. A person gets a page with a button; a mail client's
/// one-click unsubscribe (RFC 8058) posts straight to the link, without cookies, so the POST
/// asks for no CSRF token: the unguessable link is the authority.
struct UnsubscribeController<Context: RequestContext>: Sendable {
    let store: any AnnouncementStore
    let links: LinkTokens
    let pages: Pages

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/unsubscribe/:token", use: show)
        router.post("/unsubscribe/:token", use: unsubscribe)
    }

    struct UnsubscribeView {
        var page: Layout
        var action: String
        var done: Bool
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try signatureID(from: context)
        return pages.response(
            "unsubscribe", UnsubscribeView(page: Layout(title: "Unsubscribe", stylesheet: pages.stylesheetPath), action: request.uri.path, done: false),
            headers: [.xRobotsTag: "noindex"])
    }

    @Sendable func unsubscribe(_ request: Request, context: Context) async throws -> Response {
        _ = try await store.unsubscribe(signatureID: try signatureID(from: context))
        return pages.response(
            "unsubscribe", UnsubscribeView(page: Layout(title: "Unsubscribed", stylesheet: pages.stylesheetPath), action: request.uri.path, done: true),
            headers: [.xRobotsTag: "noindex"])
    }

    private func signatureID(from context: Context) throws -> UUID {
        guard let token = context.parameters.get("token"), let id = links.id(from: token) else {
            throw AppError.notFound("This unsubscribe link is not valid. Check that you opened the whole link from the email.")
        }
        return id
    }
}
