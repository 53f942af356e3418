import Foundation
import Hummingbird

/// The review of targets' responses. Editors and owners approve or reject them, as they may
/// post updates, which reach the same signers; instance admins do it for petitions without
/// an organization (and for any other). Every decision is audited; an approval publishes the
/// response and announces it to the signers who asked for news.
struct ResponseReviewController: Sendable {
    typealias Context = AppRequestContext

    let responses: TargetResponses
    let store: any TargetStore
    let access: PetitionAccess
    let petitions: any PetitionStore
    let catalog: PetitionCatalog
    let forms: AccountPages

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>, admin: GroupRouter<AdminRoute, Context>) {
        organizers.get(OrganizerRoute.responses) { request, context in
            try await list(try await organizer(request, context), request, context)
        }
        organizers.post(OrganizerRoute.approveResponse) { request, context in
            try await decide(true, try await organizer(request, context), request, context)
        }
        organizers.post(OrganizerRoute.rejectResponse) { request, context in
            try await decide(false, try await organizer(request, context), request, context)
        }
        admin.get(AdminRoute.responses) { request, context in
            try await list(try await moderator(request, context), request, context)
        }
        admin.post(AdminRoute.approveResponse) { request, context in
            try await decide(true, try await moderator(request, context), request, context)
        }
        admin.post(AdminRoute.rejectResponse) { request, context in
            try await decide(false, try await moderator(request, context), request, context)
        }
    }

    /// Who reviews, which petition, and where its pages are.
    struct Reviewer {
        var account: Account
        var petition: Petition
        var place: Place

        /// The organization's pages of the petition, or the moderators'.
        enum Place {
            case organization(String)
            case moderators

            /// The list of responses, saying what was done.
            func list(of petition: Petition, done: String) -> String {
                switch self {
                case .organization(let organization):
                    OrganizerRoute.responses(organization: organization, petition: petition.slug).path(
                        query: ["done": done])
                case .moderators: AdminRoute.responses(petition: petition.slug).path(query: ["done": done])
                }
            }

            func back(to petition: Petition) -> String {
                switch self {
                case .organization(let organization):
                    OrganizerRoute.petition(organization: organization, petition: petition.slug).path
                case .moderators: AdminRoute.petition(slug: petition.slug).path
                }
            }

            func decide(_ response: String, approve: Bool, on petition: Petition) -> String {
                switch self {
                case .organization(let organization):
                    approve
                        ? OrganizerRoute.approveResponse(
                            organization: organization, petition: petition.slug, response: response
                        ).path
                        : OrganizerRoute.rejectResponse(
                            organization: organization, petition: petition.slug, response: response
                        ).path
                case .moderators:
                    approve
                        ? AdminRoute.approveResponse(petition: petition.slug, response: response).path
                        : AdminRoute.rejectResponse(petition: petition.slug, response: response).path
                }
            }
        }
    }

    private func organizer(_ request: Request, _ context: Context) async throws -> Reviewer {
        let granted = try await access.authorize(.editPetitions, request, context)
        return Reviewer(
            account: granted.account, petition: granted.petition,
            place: .organization(granted.organization.organization.slug))
    }

    private func moderator(_ request: Request, _ context: Context) async throws -> Reviewer {
        let account = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        guard let slug = context.parameters.get(.petition), PetitionCatalog.isPlausibleSlug(slug),
            let petition = try await petitions.petition(slug: slug)
        else { throw AppError.notFound(forms.words(context).text(.responsesErrorNoPetition)) }
        return Reviewer(account: account, petition: petition, place: .moderators)
    }

    private func list(_ reviewer: Reviewer, _ request: Request, _ context: Context) async throws -> Response {
        let petition = reviewer.petition
        let words = forms.words(context)
        let all = try await store.responses(petitionID: petition.id).reversed()
        func item(_ response: TargetResponse) -> ResponsesView.Item {
            ResponsesView.Item(
                approveResponsePath: reviewer.place.decide(response.id.text, approve: true, on: petition),
                rejectResponsePath: reviewer.place.decide(response.id.text, approve: false, on: petition),
                target: petition.targets.indices.contains(response.targetPosition)
                    ? petition.targets[response.targetPosition].name : "",
                date: words.text(.responsesSentOn, ["date": AuditView.time(response.createdAt)]),
                state: words.text(Self.phrase(response.state)),
                bodyHTML: MarkdownRenderer.html(from: response.bodyMarkdown))
        }
        let pending = all.filter { $0.state == .pending }.map(item)
        let decided = all.filter { $0.state != .pending }.prefix(50).map(item)
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }.map { words.text($0) }
        return forms.respond(.petitionResponses, request: request, context: context) { csrf in
            ResponsesView(
                page: forms.layout(words.text(.responsesTitle, ["title": petition.title]), context), csrf: csrf,
                title: petition.title,
                backPath: reviewer.place.back(to: petition), pending: pending, hasPending: !pending.isEmpty,
                decided: decided,
                hasDecided: !decided.isEmpty,
                notice: notice)
        }
    }

    private func decide(_ approve: Bool, _ reviewer: Reviewer, _ request: Request, _ context: Context) async throws
        -> Response
    {
        _ = try await forms.form(request, context: context)
        let id = try context.parameters.id(.id)
        try await responses.decide(id, approve: approve, on: reviewer.petition, by: reviewer.account)
        if approve { catalog.forget(reviewer.petition) }
        return AccountPages.redirect(
            reviewer.place.list(of: reviewer.petition, done: approve ? "approved" : "rejected"))
    }

    static let notices: [String: Phrase] = [
        "approved": .responsesNoticeApproved, "rejected": .responsesNoticeRejected,
    ]

    private static func phrase(_ state: ResponseState) -> Phrase {
        switch state {
        case .pending: .responsesStatePending
        case .approved: .responsesStateApproved
        case .rejected: .responsesStateRejected
        }
    }
}

struct ResponsesView {
    struct Item {
        var approveResponsePath: String
        var rejectResponsePath: String
        var target: String
        var date: String
        var state: String
        var bodyHTML: String
    }

    var page: Layout
    var csrf: String
    var title: String
    var backPath: String
    var pending: [Item]
    var hasPending: Bool
    var decided: [Item]
    var hasDecided: Bool
    var notice: String?
}
