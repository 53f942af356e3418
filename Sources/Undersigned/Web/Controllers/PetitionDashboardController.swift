import Foundation
import Hummingbird

/// A petition's dashboard, for every member of its organization.
struct PetitionDashboardController: Sendable {
    typealias Context = AppRequestContext

    let access: PetitionAccess
    let dashboard: PetitionDashboard
    let forms: AccountPages

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>) {
        organizers.get(OrganizerRoute.dashboard, use: show)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewPetitions, request, context)
        let figures = try await dashboard.figures(for: granted.petition)
        let words = forms.words(context)
        return forms.respond(.petitionDashboard, request: request, context: context) { csrf in
            DashboardView(
                page: forms.layout(words.text(.dashboardTitle, ["title": granted.petition.title]), context), csrf: csrf,
                organization: granted.organization.organization,
                petition: granted.petition, figures: figures, threshold: dashboard.countries.threshold,
                granted: granted,
                words: words)
        }
    }
}
