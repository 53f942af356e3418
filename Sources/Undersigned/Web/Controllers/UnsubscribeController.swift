import Foundation
import HTTPTypes
import Hummingbird

/// The unsubscribe link in news emails. A person gets a page with a button; a mail client's
/// one-click unsubscribe (RFC 8058) posts straight to the link, without cookies, so the POST
/// asks for no CSRF token: the unguessable link is the authority.
struct UnsubscribeController<Context: LanguageRequestContext>: Sendable {
    let store: any AnnouncementStore
    let links: LinkTokens
    let pages: Pages

    func addRoutes(to links: GroupRouter<SignerRoute, Context>) {
        links.get(SignerRoute.unsubscribe, use: show)
        links.post(SignerRoute.unsubscribe, use: unsubscribe)
    }

    struct UnsubscribeView {
        var page: Layout
        var unsubscribePath: String
        var done: Bool
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let (link, _) = try self.link(from: context)
        return page(link, done: false, interface: context.language())
    }

    @Sendable func unsubscribe(_ request: Request, context: Context) async throws -> Response {
        let (link, id) = try self.link(from: context)
        _ = try await store.unsubscribe(signatureID: id)
        return page(link, done: true, interface: context.language())
    }

    private func page(_ link: SignerRoute, done: Bool, interface: InterfaceLanguage) -> Response {
        let title = Translations.bundled[interface].text(done ? .unsubscribeDoneTitle : .unsubscribeTitle)
        return pages.response(
            .unsubscribe,
            UnsubscribeView(
                page: Layout(title: title, stylesheet: pages.stylesheetPath, language: interface),
                unsubscribePath: link.path, done: done),
            language: interface, headers: [.xRobotsTag: "noindex"])
    }

    /// The emailed link the request came by, and the signature its token names.
    private func link(from context: Context) throws -> (SignerRoute, signatureID: UUID) {
        guard let token = context.parameters.get(.token), let id = links.id(from: token) else {
            throw AppError.invalidUnsubscribeLink
        }
        return (.unsubscribe(token: token), id)
    }
}
