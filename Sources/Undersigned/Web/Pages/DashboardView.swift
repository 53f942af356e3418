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
    var chartCaption: String
    var days: [Row]
    var sources: [Row]
    var countries: [Row]
    var hasCountries: Bool
    var countriesRule: String
    var canPostUpdates: Bool
    var canExport: Bool
    var canViewAudit: Bool
    /// The export is a form, so that another site cannot start it.
    var csrf: String

    init(
        page: Layout, csrf: String, organization: Organization, petition: Petition, figures: PetitionDashboard.Figures,
        threshold: Int,
        granted: PetitionAccess.Granted, words: Translation
    ) {
        self.page = page
        self.csrf = csrf
        links = PetitionLinks(organization: organization.slug, petition: petition.slug)
        organizationName = organization.name
        petitionTitle = petition.title
        let language = words.language
        state = words.text(.dashboardItIs, ["state": words.inSentence(state: petition.state)])
        counts = [
            Figure(label: words.text(.dashboardCountConfirmed), value: language.number(figures.confirmed)),
            Figure(label: words.text(.dashboardCountPending), value: language.number(figures.pending)),
            Figure(label: words.text(.dashboardCountWithdrawn), value: language.number(figures.withdrawn)),
            Figure(label: words.text(.dashboardCountInvalidated), value: language.number(figures.invalidated)),
        ]
        chartSVG = ConfirmationChart.svg(figures.perDay, words: words)
        chartCaption = words.text(
            .dashboardChartCaption, ["date": figures.perDay.first.map { language.date($0.day.start) } ?? ""])
        days = figures.perDay.reversed().map {
            Row(label: language.date($0.day.start), value: language.number($0.confirmed))
        }
        sources = figures.perSource.map {
            Row(label: words.text(Self.describe($0.source)), value: language.number($0.confirmed))
        }
        countries = figures.countries.figures.lines(threshold: threshold, in: words).map {
            Row(label: $0.name, value: $0.figure)
        }
        hasCountries = !countries.isEmpty
        countriesRule = words.text(
            .dashboardCountriesRule,
            ["time": language.dateTime(figures.countries.takenAt), "threshold": language.number(threshold)])
        canPostUpdates = granted.allows(.editPetitions)
        canExport = granted.allows(.exportSignatures)
        canViewAudit = granted.allows(.viewAuditLog)
    }

    private static func describe(_ source: SignatureSource) -> Phrase {
        switch source {
        case .web: .dashboardSourceWeb
        case .embed: .dashboardSourceEmbed
        case .api: .dashboardSourceApi
        case .paper: .dashboardSourcePaper
        }
    }
}
