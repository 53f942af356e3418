import Foundation

/// A petition's dashboard for its organizers.
struct DashboardView {
    struct Figure {
        var label: String
        var value: String
    }

    struct Row {
        var label: String
        var value: String
    }

    var page: Layout
    var organizationSlug: String
    var organizationName: String
    var petitionSlug: String
    var petitionTitle: String
    var state: String
    var counts: [Figure]
    var chartSVG: String
    var chartFrom: String
    var days: [Row]
    var sources: [Row]
    var countries: [Row]
    var hasCountries: Bool
    var threshold: Int
    var hasComplementary: Bool
    var canPostUpdates: Bool
    var canExport: Bool
    var canViewAudit: Bool

    init(page: Layout, organization: Organization, petition: Petition, figures: PetitionDashboard.Figures, threshold: Int, granted: PetitionAccess.Granted) {
        self.page = page
        organizationSlug = organization.slug
        organizationName = organization.name
        petitionSlug = petition.slug
        petitionTitle = petition.title
        state = petition.state.words
        counts = [
            Figure(label: "confirmed", value: Numbers.grouped(figures.confirmed)),
            Figure(label: "waiting for confirmation", value: Numbers.grouped(figures.pending)),
            Figure(label: "withdrawn", value: Numbers.grouped(figures.withdrawn)),
            Figure(label: "invalidated", value: Numbers.grouped(figures.invalidated)),
        ]
        chartSVG = ConfirmationChart.svg(figures.perDay)
        chartFrom = figures.perDay.first.map { ConfirmationChart.longDate($0.day) } ?? ""
        days = figures.perDay.reversed().map { Row(label: ConfirmationChart.longDate($0.day), value: Numbers.grouped($0.confirmed)) }
        sources = figures.perSource.map { Row(label: Self.describe($0.source), value: Numbers.grouped($0.confirmed)) }
        countries = figures.countries.map { tally in
            let row = CountryTableView.Row(tally, threshold: threshold)
            return Row(label: row.name, value: row.figure)
        }
        hasCountries = !countries.isEmpty
        self.threshold = threshold
        hasComplementary = figures.countries.contains { $0.withheld == .complementary }
        canPostUpdates = granted.allows(.editPetitions)
        canExport = granted.allows(.exportSignatures)
        canViewAudit = granted.allows(.viewAuditLog)
    }

    private static func describe(_ source: SignatureSource) -> String {
        switch source {
        case .web: "The petition's page"
        case .embed: "Embedded on other sites"
        case .api: "Partner sites, through the API"
        case .paper: "Paper, imported in batches"
        }
    }
}
