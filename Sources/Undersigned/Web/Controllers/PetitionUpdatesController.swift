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
    let accounts: Accounts
    let mail: AccountMail

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>) {
        organizers.get(OrganizerRoute.updates, use: list)
        organizers.post(OrganizerRoute.updates, use: post)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let notice =
            request.uri.queryParameters.has("posted") ? forms.words(context).text(.updatesNoticePosted) : nil
        return try await page(granted, request: request, context: context, status: .ok, notice: notice)
    }

    /// Emails cannot be called back: the first press shows the update as it will read and how
    /// many it goes to; only the confirmed form posts it.
    @Sendable func post(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let body = try await forms.form(request, context: context)
        let form = try body.decode(UpdateForm.self)
        let words = forms.words(context)
        do {
            let checked = try PetitionUpdates.validated(subject: form.subject, body: form.body, in: words)
            if form.intent == "edit" {
                return try await page(granted, request: request, context: context, status: .ok) { view in
                    view.subject = checked.subject
                    view.body = checked.body
                }
            }
            // Checked again, under the petition's lock, when the update is posted.
            guard granted.petition.state.hasOpened else {
                throw PetitionError.updateBeforeOpening(granted.petition.state)
            }
            if form.intent == "copy" {
                let address = try accounts.email(of: granted.account)
                try await updates.sendCopy(
                    subject: checked.subject, body: checked.body, of: granted.petition, to: address,
                    name: granted.account.name, mail: mail, in: words)
                return try await confirmation(
                    of: checked, granted, request: request, context: context,
                    notice: words.text(.updatesNoticeCopy, ["address": address]))
            }
            guard ConfirmationStep.isConfirmed(body) else {
                return try await confirmation(of: checked, granted, request: request, context: context)
            }
            try await updates.post(
                subject: checked.subject, body: checked.body, on: granted.petition.id, by: granted.account, in: words)
        } catch let problems as FormProblems {
            return try await page(granted, request: request, context: context, status: .unprocessableContent) { view in
                view.problems = ProblemsView(problems)
                view.subject = String((form.subject ?? "").prefix(PetitionUpdates.maximumSubjectLength * 2))
                view.body = String((form.body ?? "").prefix(PetitionUpdates.maximumBodyLength * 2))
            }
        } catch let refusal as PetitionError {
            return try await page(granted, request: request, context: context, status: .conflict) { view in
                view.problems = ProblemsView(notice: forms.words(context).message(for: refusal))
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

    private func confirmation(
        of update: (subject: String, body: String), _ granted: PetitionAccess.Granted, request: Request,
        context: Context, notice: String? = nil
    ) async throws -> Response {
        let petition = granted.petition
        let recipients = try await store.newsRecipientCount(petitionID: petition.id)
        let links = PetitionLinks(organization: granted.organization.organization.slug, petition: petition.slug)
        let words = forms.words(context)
        // The subject as a signer reading the organizer's language gets it.
        let emailSubject = words.text(.emailNewsSubject, ["subject": update.subject, "title": petition.title])
        let step = ConfirmationStep(
            heading: recipients == 0
                ? words.text(.updatesConfirmHeadingNobody) : words.counted(.updatesConfirmHeading, recipients),
            consequences: [
                words.text(.updatesConfirmShows),
                recipients == 0
                    ? words.text(.updatesConfirmNobody)
                    : words.counted(.updatesConfirmEmailed, recipients, ["subject": emailSubject]),
            ],
            confirmLabel: recipients == 0
                ? words.text(.updatesConfirmButtonNobody) : words.counted(.updatesConfirmButton, recipients),
            action: links.updates,
            fields: [.init(name: "subject", value: update.subject), .init(name: "body", value: update.body)],
            backPath: links.updates, backLabel: words.text(.updatesConfirmBack),
            preview: .init(heading: update.subject, bodyHTML: MarkdownRenderer.html(from: update.body)),
            otherIntents: [
                .init(label: words.text(.updatesConfirmCopy), value: "copy"),
                .init(label: words.text(.updatesConfirmEdit), value: "edit"),
            ],
            notice: notice)
        return forms.confirmation(step, request: request, context: context)
    }

    private func page(
        _ granted: PetitionAccess.Granted, request: Request, context: Context, status: HTTPResponse.Status,
        notice: String? = nil,
        adjust: (inout UpdatesView) -> Void = { _ in }
    ) async throws -> Response {
        let posted = try await store.postedUpdates(petitionID: granted.petition.id)
        let words = forms.words(context)
        return forms.respond(.petitionUpdates, request: request, context: context, status: status) { csrf in
            var view = UpdatesView(
                page: forms.layout(words.text(.updatesTitle, ["title": granted.petition.title]), context), csrf: csrf,
                granted: granted, posted: posted, notice: notice, words: words)
            adjust(&view)
            return view
        }
    }
}

/// An update to post on the petition and email to the signers who asked for news.
struct UpdateForm: Decodable {
    var subject: String?
    var body: String?
    /// `edit` takes a previewed update back to the form; `copy` emails it to its writer only.
    var intent: String?
}
