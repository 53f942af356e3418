import Foundation

/// An organization's timeline: each event names its petition by its title, links its page
/// for the organization, and, where there is something to do or see, the page for that.
struct ActivityView {
    struct Item {
        var date: String
        /// For `<time datetime>`.
        var iso: String
        var title: String
        var lang: String
        var dir: String
        var petitionPath: String
        var what: String
        /// A moderator's reason, in the organizers' words or the public's.
        var reason: String?
        var link: Link?
    }

    struct Link {
        var path: String
        var label: String
    }

    var page: Layout
    var heading: String
    var intro: String
    var organization: String
    var organizationPath: String
    var accountPath: String
    var items: [Item]
    var hasItems: Bool
    /// Which emails the reader gets, in words.
    var emails: String

    init(
        page: Layout, organization: Organization, limit: Int, items: [ActivityItem], role: OrganizationRole?,
        choice: NoticeChoice?, canReviewResponses: Bool, words: Translation
    ) {
        self.page = page
        heading = words.text(.activityTitle, ["organization": organization.name])
        intro = words.counted(.activityIntro, limit)
        self.organization = organization.name
        organizationPath = OrganizationRoute.organization(slug: organization.slug).path
        accountPath = AccountRoute.account.path(query: [:], fragment: AccountView.anchor(organization))
        self.items = items.map { Self.item($0, of: organization, canReviewResponses: canReviewResponses, words) }
        hasItems = !items.isEmpty
        emails = Self.emails(role: role, choice: choice, organization: organization.name, words)
    }

    static func emails(role: OrganizationRole?, choice: NoticeChoice?, organization: String, _ words: Translation)
        -> String
    {
        guard let role else { return words.text(.activityEmailsNotMember, ["organization": organization]) }
        let chosen = choice ?? .standard(for: role)
        let values = ["organization": organization, "role": words.label(of: role)]
        return switch (chosen, choice == nil) {
        case (.all, true): words.text(.activityEmailsAllDefault, values)
        case (.all, false): words.text(.activityEmailsAll, values)
        case (.submitted, true): words.text(.activityEmailsSubmittedDefault, values)
        case (.submitted, false): words.text(.activityEmailsSubmitted, values)
        case (.none, true): words.text(.activityEmailsNoneDefault, values)
        case (.none, false): words.text(.activityEmailsNone, values)
        }
    }

    private static func item(
        _ item: ActivityItem, of organization: Organization, canReviewResponses: Bool, _ words: Translation
    ) -> Item {
        let slug = item.petitionSlug
        var reason: String?
        var link: Link?
        let what: String
        switch item.action {
        case .petitionApproved:
            what = words.text(.activityApproved)
        case .petitionRejected:
            what = words.text(.activityRejected)
            reason = OrganizationActivity.reason(inDetails: item.details)
        case .petitionTakenDown:
            what = words.text(.activityTakenDown)
            reason = OrganizationActivity.reason(inDetails: item.details)
        case .petitionTranslationApproved:
            what = words.text(
                .activityTranslationApproved,
                ["language": PetitionLanguage.name(of: OrganizationActivity.language(inDetails: item.details))])
        case .petitionTranslationRejected:
            what = words.text(
                .activityTranslationRejected,
                ["language": PetitionLanguage.name(of: OrganizationActivity.language(inDetails: item.details))])
            reason = OrganizationActivity.reason(inDetails: item.details)
        case .responseReceived:
            let target = ["target": item.targetName ?? words.text(.activityATarget)]
            what =
                switch item.responseState {
                case .approved: words.text(.activityResponseApproved, target)
                case .rejected: words.text(.activityResponseRejected, target)
                case .pending, nil: words.text(.activityResponsePending, target)
                }
            if canReviewResponses {
                link = Link(
                    path: OrganizerRoute.responses(organization: organization.slug, petition: slug).path,
                    label: words.text(
                        item.responseState == .pending ? .activityReviewResponse : .activitySeeResponses))
            }
        case .goalReached:
            if let (goal, count) = OrganizationActivity.goalAndCount(inDetails: item.details) {
                what = words.text(
                    .activityGoalReached,
                    ["goal": words.language.number(goal), "count": words.language.number(count)])
            } else {
                what = words.text(.activityGoalReachedPlain)
            }
            link = Link(
                path: OrganizerRoute.dashboard(organization: organization.slug, petition: slug).path,
                label: words.text(.activitySeeFigures))
        case .deliveryRecorded:
            let target = item.targetName ?? words.text(.activityATargetInSentence)
            what =
                switch (item.deliveryChannel, item.deliveredAt) {
                case (let channel?, let date?):
                    words.text(
                        .activityDeliveredHowWhen,
                        ["target": target, "channel": words.channel(channel), "date": words.language.date(date)])
                case (let channel?, nil):
                    words.text(.activityDeliveredHow, ["target": target, "channel": words.channel(channel)])
                case (nil, let date?):
                    words.text(.activityDeliveredWhen, ["target": target, "date": words.language.date(date)])
                case (nil, nil):
                    words.text(.activityDelivered, ["target": target])
                }
            link = Link(
                path: OrganizerRoute.deliveries(organization: organization.slug, petition: slug).path,
                label: words.text(.activitySeeDeliveries))
        default:
            what = item.action.rawValue
        }
        return Item(
            date: words.language.dateTime(item.at),
            iso: item.at.formatted(.iso8601), title: item.petitionTitle, lang: item.petitionLanguage,
            dir: TextDirection.of(language: item.petitionLanguage),
            petitionPath: OrganizerRoute.petition(organization: organization.slug, petition: slug).path, what: what,
            reason: reason, link: link)
    }
}

/// One of the choices of emails on the account page.
struct NoticeOption {
    var value: String
    var label: String
    var selected: Bool

    /// Every choice, the member's own (or their role's default) selected; the default says so.
    static func all(role: OrganizationRole, choice: NoticeChoice?, _ words: Translation) -> [NoticeOption] {
        let standard = NoticeChoice.standard(for: role)
        return NoticeChoice.allCases.map {
            let label = words.label(of: $0)
            return NoticeOption(
                value: $0.rawValue,
                label: $0 == standard ? words.text(.accountNoticesDefault, ["choice": label]) : label,
                selected: $0 == (choice ?? standard))
        }
    }
}

extension Translation {
    /// A choice of emails, as the account page offers it.
    func label(of choice: NoticeChoice) -> String {
        switch choice {
        case .all: text(.accountNoticesAll)
        case .submitted: text(.accountNoticesSubmitted)
        case .none: text(.accountNoticesNone)
        }
    }
}

extension AccountView {
    /// The `id` of the organization's row on the account page.
    static func anchor(_ organization: Organization) -> String {
        "emails-\(organization.slug)"
    }
}
