import Foundation
import Hummingbird

/// An organization's activity: what happened to its petitions, for every member, and where
/// each member chooses which of them they are emailed about.
struct ActivityController: Sendable {
    typealias Context = AppRequestContext

    let activity: any OrganizationActivityStore
    let organizations: Organizations
    let access: OrganizationAccess
    let forms: AccountPages

    static let limit = 200

    func addRoutes(to organizations: GroupRouter<OrganizationRoute, Context>) {
        organizations.get(OrganizationRoute.activity, use: show)
        organizations.post(OrganizationRoute.notices, use: chooseNotices)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewOrganization, request, context)
        let organization = granted.organization
        let items = try await activity.activity(organizationID: organization.id, limit: Self.limit)
        let choice = try await activity.noticeChoices(of: granted.account.id)[organization.id]
        let words = forms.words(context)
        return forms.respond(.activity, request: request, context: context) { _ in
            ActivityView(
                page: forms.layout(words.text(.activityTitle, ["organization": organization.name]), context),
                organization: organization, limit: Self.limit, items: items, role: granted.role, choice: choice,
                canReviewResponses: granted.allows(.editPetitions), words: words)
        }
    }

    /// Each member chooses for themselves; an admin who is not a member has nothing to choose.
    @Sendable func chooseNotices(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewOrganization, request, context)
        let body = try await forms.form(request, context: context)
        let words = forms.words(context)
        guard granted.role != nil else { throw AppError.forbidden(words.text(.activityOnlyMembers)) }
        // The page offers only the choices there are: any other was not sent from it.
        guard let form = try? body.decode(NoticesForm.self) else {
            throw AppError.badRequest(words.text(.activityUnknownChoice))
        }
        try await organizations.chooseNotices(form.notices, in: granted.organization, by: granted.account)
        return AccountPages.redirect(
            AccountRoute.account.path(query: ["done": "notices"], fragment: AccountView.anchor(granted.organization)))
    }
}

/// The choice of emails, as the account page sends it.
struct NoticesForm: Decodable {
    var notices: NoticeChoice
}
