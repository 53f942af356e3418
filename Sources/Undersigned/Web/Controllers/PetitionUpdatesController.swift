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
            request.uri.queryParameters.has("posted")
            ? "The update is posted. It is being emailed to the signers who asked for news, a page of them at a time."
            : nil
        return try await page(granted, request: request, context: context, status: .ok, notice: notice)
    }

    /// Emails cannot be called back: the first press shows the update as it will read and how
    /// many it goes to; only the confirmed form posts it.
    @Sendable func post(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let body = try await forms.form(request, context: context)
        let form = try body.decode(UpdateForm.self)
        do {
            let checked = try PetitionUpdates.validated(subject: form.subject, body: form.body)
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
                    name: granted.account.name, mail: mail)
                return try await confirmation(
                    of: checked, granted, request: request, context: context,
                    notice: "A copy is on its way to \(address). Nothing is posted yet.")
            }
            guard ConfirmationStep.isConfirmed(body) else {
                return try await confirmation(of: checked, granted, request: request, context: context)
            }
            try await updates.post(
                subject: checked.subject, body: checked.body, on: granted.petition.id, by: granted.account)
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

    private func confirmation(
        of update: (subject: String, body: String), _ granted: PetitionAccess.Granted, request: Request,
        context: Context, notice: String? = nil
    ) async throws -> Response {
        let petition = granted.petition
        let recipients = try await store.newsRecipientCount(petitionID: petition.id)
        let links = PetitionLinks(organization: granted.organization.organization.slug, petition: petition.slug)
        let people = "\(Numbers.grouped(recipients)) \(recipients == 1 ? "person" : "people")"
        let emailSubject = Translations.english.text(
            .emailNewsSubject, ["subject": update.subject, "title": petition.title])
        let step = ConfirmationStep(
            heading: recipients == 0 ? "Post this update?" : "Post this update and email it to \(people)?",
            consequences: [
                "It shows on the petition's public page at once, newest first.",
                recipients == 0
                    ? "No signer has asked for news yet, so nobody is emailed now."
                    : "It is emailed to the \(people) who confirmed their signature and asked for news, with the subject “\(emailSubject)” (the petition's title in each signer's language) and a link to unsubscribe. Sent emails cannot be called back.",
            ],
            confirmLabel: recipients == 0 ? "Post the update" : "Post it and email \(people)",
            action: links.updates,
            fields: [.init(name: "subject", value: update.subject), .init(name: "body", value: update.body)],
            backPath: links.updates, backLabel: "Back to the updates, posting nothing",
            preview: .init(heading: update.subject, bodyHTML: MarkdownRenderer.html(from: update.body)),
            otherIntents: [
                .init(label: "Send it to me first", value: "copy"), .init(label: "Change the update", value: "edit"),
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
        return forms.respond(.petitionUpdates, request: request, context: context, status: status) { csrf in
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
    /// `edit` takes a previewed update back to the form; `copy` emails it to its writer only.
    var intent: String?
}
