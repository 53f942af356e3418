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
    var links: PetitionLinks
    var organizationName: String
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
    var countriesAsOf: String
    var canPostUpdates: Bool
    var canExport: Bool
    var canViewAudit: Bool
    /// The export is a form, so that another site cannot start it.
    var csrf: String

    init(
        page: Layout, csrf: String, organization: Organization, petition: Petition, figures: PetitionDashboard.Figures,
        threshold: Int,
        granted: PetitionAccess.Granted
    ) {
        self.page = page
        self.csrf = csrf
        links = PetitionLinks(organization: organization.slug, petition: petition.slug)
        organizationName = organization.name
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
        days = figures.perDay.reversed().map {
            Row(label: ConfirmationChart.longDate($0.day), value: Numbers.grouped($0.confirmed))
        }
        sources = figures.perSource.map { Row(label: Self.describe($0.source), value: Numbers.grouped($0.confirmed)) }
        countries = figures.countries.figures.lines(threshold: threshold).map { Row(label: $0.name, value: $0.figure) }
        hasCountries = !countries.isEmpty
        self.threshold = threshold
        countriesAsOf = InterfaceLanguage.en.dateTime(figures.countries.takenAt)
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
