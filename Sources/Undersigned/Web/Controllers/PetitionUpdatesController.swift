import Foundation
import Hummingbird

/// Updates on a petition: its editors read the ones posted and post news, which shows on the
/// petition's page and is emailed to the signers who asked for it.
struct PetitionUpdatesController: Sendable {
    typealias Context = AppRequestContext

    let access: PetitionAccess
    let updates: PetitionUpdates
    let store: any UpdateStore
    let catalog: PetitionCatalog
    let forms: AccountPages

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>) {
        organizers.get(OrganizerRoute.updates, use: list)
        organizers.post(OrganizerRoute.updates, use: post)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let notice =
            request.uri.queryParameters.has("posted")
            ? "The update is posted. It is being emailed to the signers who asked for news, a page of them at a time."
            : nil
        return try await page(granted, request: request, context: context, status: .ok, notice: notice)
    }

    @Sendable func post(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(UpdateForm.self, request, context: context)
        do {
            try await updates.post(
                subject: form.subject, body: form.body, on: granted.petition.id, by: granted.account)
        } catch let problems as FormProblems {
            return try await page(granted, request: request, context: context, status: .unprocessableContent) { view in
                view.problems = ProblemsView(problems)
                view.subject = String((form.subject ?? "").prefix(PetitionUpdates.maximumSubjectLength * 2))
                view.body = String((form.body ?? "").prefix(PetitionUpdates.maximumBodyLength * 2))
            }
        } catch let refusal as PetitionError {
            return try await page(granted, request: request, context: context, status: .conflict) { view in
                view.problems = ProblemsView(notice: refusal.message)
            }
        }
        // This instance shows the update at once; others within their catalog's few seconds.
        catalog.forget(granted.petition)
        return AccountPages.redirect(
            OrganizerRoute.updates(
                organization: granted.organization.organization.slug, petition: granted.petition.slug
            )
            .path(query: ["posted": nil]))
    }

    private func page(
        _ granted: PetitionAccess.Granted, request: Request, context: Context, status: HTTPResponse.Status,
        notice: String? = nil,
        adjust: (inout UpdatesView) -> Void = { _ in }
    ) async throws -> Response {
        let posted = try await store.postedUpdates(petitionID: granted.petition.id)
        return forms.respond(.petitionUpdates, request: request, status: status) { csrf in
            var view = UpdatesView(
                page: forms.layout("Updates: \(granted.petition.title)", context), csrf: csrf, granted: granted,
                posted: posted, notice: notice)
            adjust(&view)
            return view
        }
    }
}

/// An update to post on the petition and email to the signers who asked for news.
struct UpdateForm: Decodable {
    var subject: String?
    var body: String?
}
