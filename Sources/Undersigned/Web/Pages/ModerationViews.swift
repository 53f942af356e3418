import Foundation

/// A petition's title in its own language and direction, as the moderation and report
/// pages name it inside pages in the interface's language.
struct PetitionHeading {
    var title: String
    var lang: String
    var dir: String
    var publicPath: String
    var moderationPath: String
    var translationsPath: String

    init(_ petition: Petition) {
        publicPath = PetitionRoute.page(slug: petition.slug).path
        moderationPath = AdminRoute.petition(slug: petition.slug).path
        translationsPath = AdminRoute.petition(slug: petition.slug).path(query: [:], fragment: "translations")
        title = petition.title
        lang = petition.language
        dir = TextDirection.of(language: petition.language)
    }
}

// MARK: Reports

extension Translation {
    /// A reason in the words of the report form, as moderators read them too.
    func label(of reason: ReportReason) -> String {
        switch reason {
        case .hateful: text(.reportReasonHateful)
        case .misleading: text(.reportReasonMisleading)
        case .privacy: text(.reportReasonPrivacy)
        case .spam: text(.reportReasonSpam)
        case .other: text(.reportReasonOther)
        }
    }
}

struct ReportFormView {
    struct ReasonOption {
        var value: String
        var label: String
        var checked: Bool
    }

    var page: Layout
    var petition: PetitionHeading
    var csrf: String
    var reportPath: String
    var reasons: [ReasonOption]
    var details = ""
    var detailsLimit = Reports.detailsLimit
    var detailsHint: String
    var problems = ProblemsView()

    init(page: Layout, petition: PetitionHeading, csrf: String, reportPath: String, interface: InterfaceLanguage) {
        self.page = page
        self.petition = petition
        self.csrf = csrf
        self.reportPath = reportPath
        let words = Translations.bundled[interface]
        reasons = ReportReason.allCases.map {
            ReasonOption(value: $0.rawValue, label: words.label(of: $0), checked: false)
        }
        detailsHint = words.text(.reportDetailsHint, ["limit": interface.number(Reports.detailsLimit)])
    }

    mutating func select(_ reason: String?) {
        for index in reasons.indices { reasons[index].checked = reasons[index].value == reason }
    }
}

struct ReportThanksView {
    var page: Layout
    var petition: PetitionHeading
}

// MARK: Moderators

/// What the moderators' forms need to know of a petition.
struct ModerationActions {
    var slug: String
    var csrf: String
    /// `queue` when the forms are on the queue, so that a decision leads back to it.
    var from: String
    var canReview: Bool
    var canTakeDown: Bool
    var hasReports: Bool
    var approvePath: String
    var rejectPath: String
    var dismissReportsPath: String
    var takeDownPath: String

    init(slug: String, csrf: String, from: String, canReview: Bool, canTakeDown: Bool, hasReports: Bool) {
        self.slug = slug
        self.csrf = csrf
        self.from = from
        self.canReview = canReview
        self.canTakeDown = canTakeDown
        self.hasReports = hasReports
        approvePath = AdminRoute.approve(petition: slug).path
        rejectPath = AdminRoute.reject(petition: slug).path
        dismissReportsPath = AdminRoute.dismissReports(petition: slug).path
        takeDownPath = AdminRoute.takeDown(petition: slug).path
    }
}

struct ReviewQueueView {
    struct Pending {
        var petition: PetitionHeading
        /// Its organization and when it was submitted.
        var byLine: String
        var summary: String
        var targets: [TargetView]
        var bodyHTML: String
        var actions: ModerationActions
        var image: ImageView?
        /// Its goal, and how many translations come with it.
        var goalLine: String
    }

    struct ReasonCount {
        var label: String
        var count: String
    }

    /// A public petition with translations that no moderator has read yet.
    struct Translated {
        var petition: PetitionHeading
        /// Its organization and the languages of the translations.
        var byLine: String
    }

    struct Reported {
        var petition: PetitionHeading
        /// Its organization, its state, and how many reports came when.
        var byLine: String
        var reasons: [ReasonCount]
        var actions: ModerationActions
    }

    var page: Layout
    var auditPath = AdminRoute.audit.path
    var notice: String?
    var reviewRequired: Bool
    var pending: [Pending]
    var hasPending: Bool
    var reported: [Reported]
    var hasReported: Bool
    var translated: [Translated]
    var hasTranslated: Bool
}

struct ModerationPetitionView {
    struct Report {
        var reason: String
        var details: String?
        var at: String
    }

    var page: Layout
    var queuePath = AdminRoute.review.path
    var notice: String?
    var problems: ProblemsView
    var petition: PetitionView
    var publicPath: String
    var responsesPath: String
    /// Its state, and since when.
    var stateLine: String
    var stateReason: String?
    var isTakenDown: Bool
    var isPublic: Bool
    var organization: String?
    var organizationPath: String?
    var organizationAuditPath: String?
    var reports: [Report]
    var actions: ModerationActions
    /// What the moderator typed, back on the page when it needs fixing.
    var reason: String
    /// Translations no moderator has read: with the text under review, or added since.
    var translations: [Translation]
    var hasTranslations: Bool

    struct Translation {
        var approveTranslationPath: String
        var rejectTranslationPath: String
        var csrf: String
        var language: String
        var name: String
        var dir: String
        var title: String
        var summary: String
        var bodyHTML: String
        /// On a public petition each is decided alone; before, with the petition.
        var canDecide: Bool
    }
}

extension ReviewQueueView.ReasonCount {
    /// Counts per reason, in the order of the report form.
    static func counts(_ reports: [Reports.Open], words: Translation) -> [Self] {
        ReportReason.allCases.compactMap { reason in
            let count = reports.filter { $0.reason == reason }.count
            return count == 0 ? nil : Self(label: words.label(of: reason), count: words.language.number(count))
        }
    }
}
