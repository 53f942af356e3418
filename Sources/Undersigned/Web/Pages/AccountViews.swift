import Foundation

/// What the pages of accounts, organizations and the audit log show.
struct ProblemsView {
    struct Item {
        var field: String
        var message: String
    }

    var any: Bool
    var notice: String?
    var list: [Item]

    /// Fields in the order the forms show them.
    static let order = [
        "name", "email", "slug", "role", "password", "confirmation", "title", "summary", "body", "language", "goal",
        "targets", "image", "alt",
        "amendment", "reason", "target", "channel", "date", "by", "notes", "evidence",
    ]

    init(_ problems: FormProblems = FormProblems(), notice: String? = nil) {
        list = problems.messages.sorted {
            (Self.order.firstIndex(of: $0.key) ?? 99) < (Self.order.firstIndex(of: $1.key) ?? 99)
        }
        .map { Item(field: $0.key, message: $0.value) }
        self.notice = notice
        any = notice != nil || !list.isEmpty
    }
}

struct SignInView {
    var page: Layout
    var csrf: String
    var signInPath = AccountRoute.signIn.path
    var resetPath = AccountRoute.reset.path
    var next: String
    var email = ""
    var problems = ProblemsView()
}

struct AccountView {
    struct Row {
        var path: String
        var name: String
        var role: String
        /// The row's `id`, where choosing the emails comes back to.
        var anchor: String
        var noticesPath: String
        /// The name of its choice of emails, for screen readers.
        var noticesLabel: String
        var notices: [NoticeOption]
    }

    /// One of the languages the account's emails can be written in.
    struct LanguageOption {
        var code: String
        var name: String
        var selected: Bool

        static func all(selected: InterfaceLanguage) -> [LanguageOption] {
            InterfaceLanguage.allCases.map {
                LanguageOption(code: $0.code, name: $0.nativeName, selected: $0 == selected)
            }
        }
    }

    struct Links {
        var account = AccountRoute.account.path
        var newOrganization = OrganizationRoute.newOrganization.path
        var signOut = AccountRoute.signOut.path
        var review = AdminRoute.review.path
        var accounts = AdminRoute.accounts.path
        var audit = AdminRoute.audit.path
        var log = AdminRoute.log.path
        var outbox = AdminRoute.outbox.path
    }

    var page: Layout
    var csrf: String
    var links = Links()
    var name: String
    var signedInAs: String
    var isAdmin: Bool
    var organizations: [Row]
    var hasOrganizations: Bool
    var notice: String?
    var languages: [LanguageOption]
}

struct ResetRequestView {
    var page: Layout
    var csrf: String
    var resetPath = AccountRoute.reset.path
    var sent = false
    var email = ""
    var problems = ProblemsView()
}

struct ResetPasswordView {
    var page: Layout
    var csrf: String
    var newPasswordPath: String
    var problems = ProblemsView()
}

struct NewOrganizationView {
    var page: Layout
    var csrf: String
    var newOrganizationPath = OrganizationRoute.newOrganization.path
    /// Where organizations' pages are: each one's address follows.
    var pagesPrefix = OrganizationRoute.prefixPath
    var name = ""
    var slug = ""
    var problems = ProblemsView()
}

struct RoleOption {
    var value: String
    var label: String
    var selected: Bool

    static func all(selected: OrganizationRole, _ words: Translation) -> [RoleOption] {
        OrganizationRole.allCases.map {
            RoleOption(value: $0.rawValue, label: words.label(of: $0), selected: $0 == selected)
        }
    }
}

struct OrganizationView {
    struct MemberRow {
        var id: String
        var name: String
        var role: String
        var roles: [RoleOption]
        var isLastOwner: Bool
        var changeRolePath: String
        var removeMemberPath: String
    }

    struct InvitationRow {
        var revokeInvitationPath: String
        var email: String
        var role: String
        var expires: String
    }

    /// One of the organization's petitions, in its list.
    struct PetitionRow {
        /// Its page for the organization's members.
        var path: String
        var packagePath: String
        var title: String
        var lang: String
        var dir: String
        var state: String
        var created: String
        /// Open, closed or delivered: drafts, petitions awaiting review and taken-down ones have
        /// nothing to deliver.
        var hasSignatures: Bool
    }

    struct Links {
        var organization: String
        var audit: String
        var activity: String
        var newPetition: String
        var invite: String
        var setKey: String
        var removeKey: String
        var createPartnerKey: String

        init(organization slug: String) {
            organization = OrganizationRoute.organization(slug: slug).path
            audit = OrganizationRoute.audit(organization: slug).path
            activity = OrganizationRoute.activity(organization: slug).path
            newPetition = OrganizerRoute.newPetition(organization: slug).path
            invite = OrganizationRoute.invite(organization: slug).path
            setKey = OrganizationRoute.setKey(organization: slug).path
            removeKey = OrganizationRoute.removeKey(organization: slug).path
            createPartnerKey = OrganizationRoute.createPartnerKey(organization: slug).path
        }
    }

    var page: Layout
    var csrf: String
    var links: Links
    var name: String
    var role: String
    var canManage: Bool
    var canViewAudit: Bool
    var canEditPetitions: Bool
    var notice: String?
    var petitions: [PetitionRow]
    var hasPetitions: Bool
    /// Whether the viewer may download delivery packages, which name signers.
    var canExport: Bool
    var members: [MemberRow]
    var invitations: [InvitationRow]
    var hasInvitations: Bool
    var inviteEmail = ""
    var inviteRoles: [RoleOption]
    var problems = ProblemsView()

    struct KeyView {
        var fingerprint: String
        var text: String
        /// When it was set, punctuated to follow the fingerprint.
        var setOn: String
    }

    /// The form that sets the key, as it was sent when it had a problem.
    struct KeyForm {
        var text = ""
        var problems = ProblemsView()
    }

    var key: KeyView?
    var canManageKey: Bool
    var keyForm = KeyForm()

    struct PartnerKeyRow {
        var label: String
        var hint: String
        var created: String
        var lastUsed: String
        var revoked: String?
        var revokePartnerKeyPath: String
    }

    /// Only owners see the partner keys, which act for the organization.
    var canManagePartnerKeys = false
    var partnerKeys: [PartnerKeyRow] = []
    var hasPartnerKeys = false
    /// A key just made: the only time it is shown.
    var newPartnerKey: String?
    /// The form that makes a key, as it was sent when it had a problem.
    var partnerKeyForm = KeyForm()
    var signaturesAPIExample = ""
}

struct InvitationView {
    var page: Layout
    var csrf: String
    var acceptPath: String
    var createAccountPath: String
    /// Back to the invitation once signed in.
    var signInPath: String
    var heading: String
    /// Which organization, and with which role.
    var invited: String
    var canAccept: Bool
    /// What to do when signed in with another account than the invited one.
    var otherAccount: String?
    var anonymous: Bool
    var email: String
    var name = ""
    var problems = ProblemsView()
}

struct AuditView {
    struct Row {
        var at: String
        var actor: String
        var action: String
        var subject: String
        var organization: String
        var details: String
    }

    var page: Layout
    var heading: String
    var intro: String
    var showOrganization: Bool
    var entries: [Row]

    init(
        page: Layout, heading: String, limit: Int, showOrganization: Bool, entries: [AuditEntry], words: Translation
    ) {
        self.page = page
        self.heading = heading
        intro = words.counted(.auditIntro, limit)
        self.showOrganization = showOrganization
        self.entries = entries.map { entry in
            Row(
                at: Self.time(entry.event.at),
                actor: entry.actorName ?? entry.event.actorLabel
                    ?? words.text(entry.event.actorID == nil ? .auditActorSystem : .auditActorUnknown),
                action: entry.event.action.rawValue,
                subject: entry.subjectName.map { "\(entry.event.subjectType) “\($0)”" }
                    ?? "\(entry.event.subjectType) \(entry.event.subjectID.prefix(8))",
                organization: entry.organizationSlug ?? "", details: entry.event.details)
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.colon)
                .dateTimeSeparator(.space))
    }
}
