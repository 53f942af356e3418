import Foundation
import Hummingbird

/// Builds the views of petition pages with live counts.
struct PetitionPresenter: Sendable {
    let pages: Pages
    let counts: SignatureCounts
    let paperCounts: PaperCounts
    let heads: TreeHeads
    let baseURL: URL

    /// - Parameter language: one of the petition's languages, the page's.
    func layout(title: String, for petition: Petition? = nil, language: String? = nil) -> Layout {
        var page = Layout(title: title, stylesheet: pages.stylesheetPath)
        if let petition {
            let text = language.flatMap(petition.text(in:)) ?? petition.originalText
            page.lang = text.language
            page.dir = TextDirection.of(language: text.language)
            page.description = text.summary
        }
        return page
    }

    func petitionView(_ petition: Petition, withBody: Bool = false, language: String? = nil) async throws
        -> PetitionView
    {
        let count = try await counts.count(for: petition.id)
        let goal = Goal.displayed(count: count, organizerGoal: petition.goal)
        return PetitionView(
            petition, baseURL: baseURL, count: Numbers.grouped(count), goal: Numbers.grouped(goal),
            percent: String(Goal.percent(count: count, goal: goal)),
            logLine: try await heads.published(for: petition.id).logLine,
            paperLine: PetitionView.paperLine(try await paperCounts.count(for: petition.id)),
            withBody: withBody, language: language)
    }

    func messageView(_ petition: Petition, title: String) async throws -> PetitionMessageView {
        PetitionMessageView(page: layout(title: title, for: petition), petition: try await petitionView(petition))
    }

    /// The page an emailed link opens: a button that posts back to the link, since only a POST
    /// may act (mail scanners follow links), with the form token of this visitor.
    func buttonPage(
        _ template: PageTemplate, title: String, petition: Petition, link: SignerRoute, request: Request,
        csrf: CSRFProtection, notice: String?,
        status: HTTPResponse.Status, adding details: (inout PetitionMessageView) -> Void = { _ in }
    ) async throws -> Response {
        let session = csrf.session(for: request)
        var view = try await messageView(petition, title: title)
        details(&view)
        view.action = link.path
        view.csrf = csrf.token(forCookie: session.cookie)
        view.notice = notice
        var headers: HTTPFields = [.xRobotsTag: "noindex", .cacheControl: "no-store"]
        if let setCookie = session.setCookie { headers[.setCookie] = setCookie }
        return pages.response(template, view, status: status, headers: headers)
    }
}
