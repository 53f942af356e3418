import Foundation

/// One organizer or moderator action: who did what, when, to what. Written in the same
/// transaction as the change it records. Details never hold personal data (no addresses).
public struct AuditEvent: Sendable, Equatable {
    public var id: UUID
    public var at: Date
    /// `nil` when the command line did it, or someone without an account (see `actorLabel`).
    public var actorID: UUID?
    /// Who acted when it was no account: a target, through its private link.
    public var actorLabel: String?
    public var action: AuditAction
    public var subjectType: String
    public var subjectID: String
    public var organizationID: UUID?
    public var details: String

    public init(
        id: UUID = .random(), at: Date, actorID: UUID?, actorLabel: String? = nil, action: AuditAction,
        subjectType: String, subjectID: String,
        organizationID: UUID? = nil, details: String = ""
    ) {
        self.id = id
        self.at = at
        self.actorID = actorID
        self.actorLabel = actorLabel
        self.action = action
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.organizationID = organizationID
        self.details = details
    }
}

public enum AuditAction: String, Sendable, CaseIterable {
    case accountCreated = "account.created"
    /// Written by the lockout of earlier releases; kept so that their audit logs still read.
    case accountLocked = "account.locked"
    case accountDisabled = "account.disabled"
    case accountEnabled = "account.enabled"
    case passwordReset = "account.password-reset"
    case organizationCreated = "organization.created"
    case invitationSent = "invitation.sent"
    case invitationRevoked = "invitation.revoked"
    case invitationAccepted = "invitation.accepted"
    case memberRoleChanged = "member.role-changed"
    case memberRemoved = "member.removed"
    /// A member chose which of the organization's petitions they are emailed about.
    case memberNoticesChanged = "member.notices-changed"
    case petitionCreated = "petition.created"
    case petitionAssigned = "petition.assigned"
    case petitionEdited = "petition.edited"
    case petitionSubmitted = "petition.submitted"
    case petitionSubmissionWithdrawn = "petition.submission-withdrawn"
    case petitionApproved = "petition.approved"
    case petitionRejected = "petition.rejected"
    case petitionClosed = "petition.closed"
    case petitionTakenDown = "petition.taken-down"
    case petitionAmended = "petition.amended"
    /// The count reached the organizer's goal for the first time; no one acted.
    case goalReached = "petition.goal-reached"
    case petitionTranslated = "petition.translated"
    case petitionTranslationRemoved = "petition.translation-removed"
    case petitionTranslationApproved = "petition.translation-approved"
    case petitionTranslationRejected = "petition.translation-rejected"
    case petitionImageChanged = "petition.image-changed"
    case petitionImageRemoved = "petition.image-removed"
    case deliveryRecorded = "delivery.recorded"
    case targetLinkCreated = "target-link.created"
    case targetLinksRevoked = "target-link.revoked"
    case organizationKeySet = "organization.key-set"
    case organizationKeyRemoved = "organization.key-removed"
    case partnerKeyCreated = "partner-key.created"
    case partnerKeyRevoked = "partner-key.revoked"
    case deliveryPackageExported = "petition.package-exported"
    /// A moderator closed a petition's open reports without acting on it.
    case reportsDismissed = "petition.reports-dismissed"
    /// A take-down closed the petition's open reports.
    case reportsUpheld = "petition.reports-upheld"
    case petitionUpdatePosted = "petition.update-posted"
    case signaturesExported = "petition.signatures-exported"
    case paperBatchImported = "petition.paper-imported"
    case paperBatchVoided = "petition.paper-voided"
    /// A target answered through its private link; the response waits for review.
    case responseReceived = "response.received"
    case responseApproved = "response.approved"
    case responseRejected = "response.rejected"
}

/// An event as the audit pages show it, with the actor's and organization's names, and
/// the name of what was acted on (a petition's title, an account's or organization's name,
/// a partner key's label) when it has one and still exists.
public struct AuditEntry: Sendable, Equatable {
    public var event: AuditEvent
    public var actorName: String?
    public var organizationSlug: String?
    public var subjectName: String? = nil
}

/// Reading the audit log, newest first.
public protocol AuditStore: Sendable {
    /// Events of one organization, or of the whole instance when `organizationID` is `nil`.
    func auditEntries(organizationID: UUID?, limit: Int) async throws -> [AuditEntry]
}
