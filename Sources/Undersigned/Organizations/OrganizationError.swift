/// Why a change to an organization, its members or its invitations was refused.
public enum OrganizationError: Error, Sendable, Equatable {
    /// The actor's role in the organization does not allow the change, or no longer does.
    case roleDoesNotAllow
    /// The account the change is about is not a member.
    case notAMember
    /// The change would leave the organization without an owner.
    case lastOwner
    /// The invitation to withdraw was accepted or withdrawn already.
    case invitationNotPending
    /// The invitation's link was used, withdrawn or expired, or never was one.
    case invalidInvitation
    /// The invitation was sent to another address than the signed-in account's.
    case invitationForAnotherAddress
    /// An account with the invited address exists already: it accepts the invitation itself.
    case accountExistsForInvitation
}
