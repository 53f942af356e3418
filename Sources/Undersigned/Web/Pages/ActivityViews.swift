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
    var organization: String
    var organizationPath: String
    var accountPath: String
    var limit: Int
    var items: [Item]
    var hasItems: Bool
    /// Which emails the reader gets, in words.
    var emails: String

    init(
        page: Layout, organization: Organization, limit: Int, items: [ActivityItem], role: OrganizationRole?,
        choice: NoticeChoice?, canReviewResponses: Bool
    ) {
        self.page = page
        self.organization = organization.name
        organizationPath = OrganizationRoute.organization(slug: organization.slug).path
        accountPath = AccountRoute.account.path(query: [:], fragment: AccountView.anchor(organization))
        self.limit = limit
        self.items = items.map { Self.item($0, of: organization, canReviewResponses: canReviewResponses) }
        hasItems = !items.isEmpty
        emails = Self.emails(role: role, choice: choice, organization: organization.name)
    }

    static func emails(role: OrganizationRole?, choice: NoticeChoice?, organization: String) -> String {
        guard let role else { return "You are not a member of \(organization): you are emailed none of this." }
        let chosen = choice ?? .standard(for: role)
        let words =
            switch chosen {
            case .all: "You are emailed each of these events, for every petition of \(organization)"
            case .submitted: "You are emailed these events for the petitions you submitted for review"
            case .none: "You are emailed none of these events"
            }
        return words + (choice == nil ? ", as every \(role.rawValue) is until they choose." : ".")
    }

    private static func item(_ item: ActivityItem, of organization: Organization, canReviewResponses: Bool) -> Item {
        let slug = item.petitionSlug
        var reason: String?
        var link: Link?
        let what: String
        switch item.action {
        case .petitionApproved:
            what = "Approved by a moderator: open for signatures."
        case .petitionRejected:
            what = "Sent back to draft by a moderator, with this reason:"
            reason = OrganizationActivity.reason(inDetails: item.details)
        case .petitionTakenDown:
            what = "Taken down by a moderator, with this public reason:"
            reason = OrganizationActivity.reason(inDetails: item.details)
        case .petitionTranslationApproved:
            what =
                "Its \(PetitionLanguage.name(of: OrganizationActivity.language(inDetails: item.details))) translation was published by a moderator."
        case .petitionTranslationRejected:
            what =
                "Its \(PetitionLanguage.name(of: OrganizationActivity.language(inDetails: item.details))) translation was not approved by a moderator, with this reason:"
            reason = OrganizationActivity.reason(inDetails: item.details)
        case .responseReceived:
            let target = item.targetName ?? "A target"
            switch item.responseState {
            case .approved: what = "\(target) responded through their private link; the response was approved."
            case .rejected: what = "\(target) responded through their private link; the response was rejected."
            case .pending, nil: what = "\(target) responded through their private link: the response awaits approval."
            }
            if canReviewResponses {
                link = Link(
                    path: OrganizerRoute.responses(organization: organization.slug, petition: slug).path,
                    label: item.responseState == .pending ? "Review the response" : "See its responses")
            }
        case .goalReached:
            if let (goal, count) = OrganizationActivity.goalAndCount(inDetails: item.details) {
                what =
                    "Reached its goal of \(InterfaceLanguage.en.number(goal)) signatures (\(InterfaceLanguage.en.number(count)) counted)."
            } else {
                what = "Reached its goal."
            }
            link = Link(
                path: OrganizerRoute.dashboard(organization: organization.slug, petition: slug).path,
                label: "See its figures")
        case .deliveryRecorded:
            let how = item.deliveryChannel.map { ", \($0.label.lowercased())" } ?? ""
            let when = item.deliveredAt.map { ", on \(InterfaceLanguage.en.date($0))" } ?? ""
            what = "Delivered to \(item.targetName ?? "a target")\(how)\(when)."
            link = Link(
                path: OrganizerRoute.deliveries(organization: organization.slug, petition: slug).path,
                label: "See its deliveries")
        default:
            what = item.action.rawValue
        }
        return Item(
            date: InterfaceLanguage.en.dateTime(item.at),
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
    static func all(role: OrganizationRole, choice: NoticeChoice?) -> [NoticeOption] {
        let standard = NoticeChoice.standard(for: role)
        return NoticeChoice.allCases.map {
            NoticeOption(
                value: $0.rawValue, label: $0.label + ($0 == standard ? " (default)" : ""),
                selected: $0 == (choice ?? standard))
        }
    }
}

extension AccountView {
    /// The `id` of the organization's row on the account page.
    static func anchor(_ organization: Organization) -> String {
        "emails-\(organization.slug)"
    }
}
