import Foundation

/// What someone may want to do to an organization (or to the instance).
public enum Permission: String, Sendable, CaseIterable {
    /// See the organization, its members and (later) its petitions.
    case viewOrganization
    /// See the organization's petitions, drafts included, and their dashboards.
    case viewPetitions
    /// Write and change the organization's petitions, submit and close them, publish
    /// amendments and post updates to their signers.
    case editPetitions
    /// Download the names (and, where signers agreed, the addresses) of the signers.
    case exportSignatures
    /// Make and revoke targets' private links. A link opens the delivery package, which names
    /// signers, so it is given by those who may take the package themselves.
    case manageTargetLinks
    /// Invite, remove and change the roles of members.
    case manageMembers
    /// Read the organization's audit log.
    case viewAuditLog
    /// Set, replace or remove the public key the organization's delivery packages are encrypted to.
    case manageOrganizationKey
    /// Create and revoke the API keys partner sites submit signatures with.
    case managePartnerKeys
    /// Read the whole instance's audit log.
    case viewInstanceAuditLog
    /// Recompute every petition's signature log and see the result.
    case verifySignatureLogs
    /// See the queued and failed emails with their attempts (never their content).
    case viewOutbox
    /// Approve, reject and take down petitions of any organization, and handle reports.
    case moderatePetitions
    /// See every account, disable and enable them.
    case manageAccounts

    /// Permissions over the whole instance, which only its admins hold.
    var isInstanceWide: Bool {
        [.viewInstanceAuditLog, .verifySignatureLogs, .viewOutbox, .moderatePetitions, .manageAccounts].contains(self)
    }
}

/// The one place that decides who may do what. Instance admins may do everything; members
/// as their role allows; anyone else nothing.
public enum Authorization {
    public enum Decision: Sendable, Equatable {
        case allowed
        /// A member whose role does not allow it: they may know the organization exists.
        case forbidden
        /// Not a member: answered as if the organization did not exist, so names do not leak.
        case hidden
    }

    /// - Parameter role: the account's role in the organization at hand, `nil` when it is not a member.
    public static func check(_ account: Account, _ permission: Permission, role: OrganizationRole?) -> Decision {
        if account.isAdmin { return .allowed }
        if permission.isInstanceWide { return .forbidden }
        guard let role else { return .hidden }
        return allowedRoles(for: permission).contains(role) ? .allowed : .forbidden
    }

    static func allowedRoles(for permission: Permission) -> Set<OrganizationRole> {
        switch permission {
        case .viewOrganization, .viewPetitions: [.viewer, .editor, .owner]
        case .editPetitions: [.editor, .owner]
        case .manageMembers, .viewAuditLog, .exportSignatures, .manageTargetLinks, .manageOrganizationKey,
            .managePartnerKeys:
            [.owner]
        case .viewInstanceAuditLog, .verifySignatureLogs, .viewOutbox, .moderatePetitions, .manageAccounts: []
        }
    }
}

extension AccountTransaction {
    /// The organization's members and roles, locked, once `actor` is seen still to hold
    /// `permission`: a role taken away a moment ago, by a request the lock waited for, counts,
    /// and two owners changing the same thing at once are put in order.
    @discardableResult
    func lockedMemberships(
        of organization: Organization, checking permission: Permission, for actor: Account
    ) async throws -> [UUID: OrganizationRole] {
        let roles = try await lockedMemberships(organizationID: organization.id)
        guard Authorization.check(actor, permission, role: roles[actor.id]) == .allowed else {
            throw OrganizationError.roleDoesNotAllow
        }
        return roles
    }
}
