import Foundation

/// Which of its organization's petitions a member is emailed about.
public enum NoticeChoice: String, Sendable, CaseIterable, Decodable {
    /// Every petition of the organization.
    case all
    /// The petitions the member submitted for review.
    case submitted
    case none

    /// What a member who never chose is sent: owners hear of every petition, the others of
    /// the petitions they submitted.
    public static func standard(for role: OrganizationRole) -> NoticeChoice {
        role == .owner ? .all : .submitted
    }
}

/// What happened to one of an organization's petitions that its members are told of. The
/// same events make the organization's activity page (``OrganizationActivity``).
public enum OrganizerEvent: Sendable, Equatable {
    /// A moderator opened it.
    case approved
    /// A moderator sent it back to draft.
    case rejected(reason: String)
    case takenDown(reason: String, at: Date)
    case translationReviewed(language: String, approved: Bool, reason: String)
    /// A target answered through its private link; the response waits for an organizer.
    case responseAwaitingApproval(targetName: String)
    /// The count reached the organizer's goal for the first time.
    case goalReached(goal: Int, count: Int)
    case deliveryRecorded(targetName: String, channel: DeliveryChannel, count: Int, deliveredAt: Date)
}

/// The one place that decides who in an organization is told what happened to its
/// petitions, and writes their emails. Each caller enqueues them in the transaction that
/// makes the change, and calls ``queued()`` once it has committed.
///
/// A member is told as they chose (``NoticeChoice``); one who never chose, as their role's
/// default: owners of every petition, others of the petitions they submitted. Disabled
/// accounts are told nothing. A petition without an organization tells no one here.
public struct OrganizerNotices: Sendable {
    /// Reads the members and their accounts, and unseals the addresses.
    let accounts: Accounts
    /// Reads who submitted a petition.
    let activity: any OrganizationActivityStore
    let mail: AccountMail

    public init(accounts: Accounts, activity: any OrganizationActivityStore, mail: AccountMail) {
        self.accounts = accounts
        self.activity = activity
        self.mail = mail
    }

    /// Someone to tell.
    struct Recipient: Sendable, Equatable {
        var name: String
        var address: String
        /// Of the account's emails: English until it signs in or chooses.
        var language: InterfaceLanguage
    }

    /// The rule: whether a member with `role`, who chose `choice` (`nil` if never), is told
    /// of a petition they did or did not submit.
    public static func tells(role: OrganizationRole, choice: NoticeChoice?, submittedIt: Bool) -> Bool {
        switch choice ?? .standard(for: role) {
        case .all: true
        case .submitted: submittedIt
        case .none: false
        }
    }

    /// The petition's organization and the members to tell of its events.
    func recipients(of petition: Petition) async throws -> (Organization, [Recipient])? {
        guard let organizationID = petition.organizationID,
            let organization = try await accounts.store.organization(id: organizationID)
        else { return nil }
        let members = try await accounts.store.members(of: organizationID)
        // Read only when someone's choice depends on it.
        let submitter =
            members.contains { ($0.notices ?? .standard(for: $0.role)) == .submitted }
            ? try await activity.submitter(ofPetition: petition.id) : nil
        var recipients: [Recipient] = []
        for member in members
        where Self.tells(role: member.role, choice: member.notices, submittedIt: member.accountID == submitter) {
            guard let account = try await accounts.store.account(id: member.accountID), !account.isDisabled else {
                continue
            }
            recipients.append(
                Recipient(
                    name: account.name, address: try accounts.email(of: account),
                    language: account.emailLanguage ?? .en))
        }
        return (organization, recipients)
    }

    /// The emails that tell the members who asked of `event`, to enqueue with the change.
    public func emails(_ event: OrganizerEvent, about petition: Petition) async throws -> [QueuedEmail] {
        guard let (organization, recipients) = try await recipients(of: petition) else { return [] }
        return try recipients.map { try mail.organizerNotice(event, about: petition, of: organization, to: $0) }
    }

    /// Wakes the outbox, once the emails are committed.
    public func queued() {
        mail.queued()
    }
}
