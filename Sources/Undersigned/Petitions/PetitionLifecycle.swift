/// The moves between a petition's states, who makes each one, and whether it needs a reason:
///
///     draft → pending review → open → closed → delivered
///       ↑          │ (reject)
///       └──────────┘
///     any state → taken down (moderators, with a public reason)
///
/// Delivery is not here: recording the last target's delivery moves a petition to
/// `delivered` (see ``Deliveries``).
public enum PetitionTransition: String, Sendable, CaseIterable {
    /// The organizers ask for review, or open it at once where review is not required.
    case submit
    /// The organizers take back a petition waiting for review, to change it.
    case withdrawSubmission = "withdraw-submission"
    case approve
    /// Back to draft, with a reason for the organizers.
    case reject
    /// The organizers stop the signing.
    case close
    /// Out of public view, with a reason the petition's address shows.
    case takeDown = "take-down"

    public enum Actor: Sendable {
        case organizer
        case moderator
    }

    public var actor: Actor {
        switch self {
        case .submit, .withdrawSubmission, .close: .organizer
        case .approve, .reject, .takeDown: .moderator
        }
    }

    public var needsReason: Bool { self == .reject || self == .takeDown }

    /// The state the petition moves to from `state`, or `nil` when this move does not apply.
    public func target(from state: PetitionState, reviewRequired: Bool) -> PetitionState? {
        switch (self, state) {
        case (.submit, .draft): reviewRequired ? .pendingReview : .open
        case (.withdrawSubmission, .pendingReview): .draft
        case (.approve, .pendingReview): .open
        case (.reject, .pendingReview): .draft
        case (.close, .open): .closed
        case (.takeDown, let state) where state != .takenDown: .takenDown
        default: nil
        }
    }

    /// How the audit log names it.
    var auditAction: AuditAction {
        switch self {
        case .submit: .petitionSubmitted
        case .withdrawSubmission: .petitionSubmissionWithdrawn
        case .approve: .petitionApproved
        case .reject: .petitionRejected
        case .close: .petitionClosed
        case .takeDown: .petitionTakenDown
        }
    }
}
