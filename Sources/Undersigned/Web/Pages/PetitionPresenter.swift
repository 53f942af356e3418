import Foundation
import Hummingbird

/// Builds the views of petition pages with live counts.
struct PetitionPresenter: Sendable {
    let pages: Pages
    let counts: SignatureCounts
    let paperCounts: PaperCounts
    let heads: TreeHeads
    let baseURL: URL

    /// - Parameters:
    ///   - language: one of the petition's languages, the one its text is shown in.
    ///   - interface: the page's own language.
    func layout(title: String, for petition: Petition? = nil, language: String? = nil, interface: InterfaceLanguage)
        -> Layout
    {
        var page = Layout(title: title, stylesheet: pages.stylesheetPath, language: interface)
        if let petition {
            page.description = (language.flatMap(petition.text(in:)) ?? petition.originalText).summary
        }
        return page
    }

    func petitionView(
        _ petition: Petition, withBody: Bool = false, language: String? = nil, interface: InterfaceLanguage
    ) async throws -> PetitionView {
        let count = try await counts.count(for: petition.id)
        let goal = Goal.displayed(count: count, organizerGoal: petition.goal)
        let words = CountWords(interface)
        return PetitionView(
            petition, baseURL: baseURL, countLine: words.count(count),
            goalLine: words.goal(count: count, organizerGoal: petition.goal),
            percent: String(Goal.percent(count: count, goal: goal)),
            logLine: words.log(try await heads.latest(for: petition.id)),
            paperLine: words.paper(try await paperCounts.count(for: petition.id)),
            withBody: withBody, language: language, interface: interface)
    }

    func messageView(_ petition: Petition, title: Phrase, interface: InterfaceLanguage) async throws
        -> PetitionMessageView
    {
        PetitionMessageView(
            page: layout(title: Translations.bundled[interface].text(title), for: petition, interface: interface),
            petition: try await petitionView(petition, interface: interface))
    }

    /// The page an emailed link opens: a button that posts back to the link, since only a POST
    /// may act (mail scanners follow links), with the form token of this visitor.
    func buttonPage(
        _ template: PageTemplate, title: Phrase, petition: Petition, link: SignerRoute, request: Request,
        interface: InterfaceLanguage, csrf: CSRFProtection, notice: String?,
        status: HTTPResponse.Status, adding details: (inout PetitionMessageView) -> Void = { _ in }
    ) async throws -> Response {
        let session = csrf.session(for: request)
        var view = try await messageView(petition, title: title, interface: interface)
        details(&view)
        view.action = link.path
        view.csrf = csrf.token(forCookie: session.cookie)
        view.notice = notice
        var headers: HTTPFields = [.xRobotsTag: "noindex", .cacheControl: "no-store"]
        if let setCookie = session.setCookie { headers[.setCookie] = setCookie }
        return pages.response(template, view, language: interface, status: status, headers: headers)
    }
}
