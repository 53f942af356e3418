import Foundation

/// What happened to an organization's petitions, as its members are told of it
/// (``OrganizerEvent``), read back from the audit trail: each of those events writes its audit
/// event in the transaction that makes it, so the timeline needs no record of its own.
public enum OrganizationActivity {
    /// The audit actions that make the timeline: those ``OrganizerNotices`` tells of.
    public static let actions: [AuditAction] = [
        .petitionApproved, .petitionRejected, .petitionTakenDown, .petitionTranslationApproved,
        .petitionTranslationRejected, .responseReceived, .goalReached, .deliveryRecorded,
    ]

    /// The audit details of a goal reached: `goal 500, count 503`.
    static func goalDetails(goal: Int, count: Int) -> String {
        "goal \(goal), count \(count)"
    }

    /// The goal and count of ``goalDetails(goal:count:)``; `nil` for anything else.
    static func goalAndCount(inDetails details: String) -> (goal: Int, count: Int)? {
        guard let match = details.wholeMatch(of: /goal ([0-9]{1,18}), count ([0-9]{1,18})/),
            let goal = Int(match.output.1), let count = Int(match.output.2)
        else { return nil }
        return (goal, count)
    }

    /// The reason a moderator gave, as ``PetitionEditor`` writes it in the details of a
    /// rejection, a take-down or a translation's rejection.
    static func reason(inDetails details: String) -> String? {
        guard let range = details.range(of: "; reason: ") else { return nil }
        let reason = details[range.upperBound...].trimmed()
        return reason.isEmpty ? nil : reason
    }

    /// The language a translation's review names first in its details (`fr; reason: …`).
    static func language(inDetails details: String) -> String {
        String(details.prefix { $0 != ";" })
    }
}

/// One event of an organization's timeline, with the petition it is about. It names no
/// moderator: every member reads the timeline, and only owners the audit log, which does.
public struct ActivityItem: Sendable, Equatable {
    public var at: Date
    public var action: AuditAction
    public var details: String
    public var petitionSlug: String
    public var petitionTitle: String
    public var petitionLanguage: String
    /// For a response or a delivery: its target's name.
    public var targetName: String?
    /// For a response: where its review stands now.
    public var responseState: ResponseState?
    /// For a delivery: how and when it was made.
    public var deliveryChannel: DeliveryChannel?
    public var deliveredAt: Date?
}

/// Reading what organizers are told of.
public protocol OrganizationActivityStore: Sendable {
    /// The organization's timeline, newest first: the audit events of ``OrganizationActivity/actions``
    /// about petitions that are the organization's.
    func activity(organizationID: UUID, limit: Int) async throws -> [ActivityItem]
    /// The account that last submitted the petition for review, as its audit events say.
    func submitter(ofPetition petitionID: UUID) async throws -> UUID?
    /// The emails the account chose in each of its organizations, by organization; those where
    /// it never chose are missing.
    func noticeChoices(of accountID: UUID) async throws -> [UUID: NoticeChoice]
}
