import Foundation
import Hummingbird

/// A petition's dashboard, for every member of its organization.
struct PetitionDashboardController: Sendable {
    typealias Context = AppRequestContext

    let access: PetitionAccess
    let dashboard: PetitionDashboard
    let forms: AccountPages

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/org/:slug/petitions/:petition/dashboard", use: show)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewPetitions, request, context)
        let figures = try await dashboard.figures(for: granted.petition)
        return forms.respond("petition-dashboard", request: request) { _ in
            DashboardView(
                page: forms.layout("Dashboard: \(granted.petition.title)", context), organization: granted.organization.organization,
                petition: granted.petition, figures: figures, threshold: dashboard.countries.threshold, granted: granted)
        }
    }
}
