import Foundation

/// Reading organizations, their members and invitations.
public protocol OrganizationStore: Sendable {
    func organization(slug: String) async throws -> Organization?
    /// The account's role in the organization, or `nil` when it is not a member.
    func role(of accountID: UUID, in organizationID: UUID) async throws -> OrganizationRole?
    func members(of organizationID: UUID) async throws -> [Member]
    /// The organizations the account belongs to, with its role in each, by name.
    func organizations(of accountID: UUID) async throws -> [(organization: Organization, role: OrganizationRole)]
    /// Invitations not yet accepted, revoked or expired at `now`, newest first.
    func pendingInvitations(of organizationID: UUID, now: Date) async throws -> [Invitation]
    func invitation(tokenHash: [UInt8]) async throws -> Invitation?
    func organization(id: UUID) async throws -> Organization?
    /// The organization's public key for delivery packages and when it was set; `nil` when it has none.
    func publicKey(of organizationID: UUID) async throws -> (key: OrganizationPublicKey, setAt: Date)?
}
