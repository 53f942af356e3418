import Foundation
import Hummingbird

/// Finds the organization a route names and asks ``Authorization`` whether the signed-in
/// account may act on it. Someone outside the organization gets the same 404 as for an
/// organization that does not exist, so its name does not leak.
struct OrganizationAccess: Sendable {
    let organizations: any OrganizationStore

    struct Granted {
        var signedIn: SignedIn
        var organization: Organization
        /// `nil` for an admin who is not a member.
        var role: OrganizationRole?

        var account: Account { signedIn.account }

        func allows(_ permission: Permission) -> Bool {
            Authorization.check(account, permission, role: role) == .allowed
        }
    }

    func authorize(_ permission: Permission, _ request: Request, _ context: AppRequestContext) async throws -> Granted {
        let signedIn = try request.requireSignedIn(context)
        guard let slug = context.parameters.get(.slug), Organization.isValidSlug(slug),
            let organization = try await organizations.organization(slug: slug)
        else { throw AppError.noSuchOrganization }
        let role = try await organizations.role(of: signedIn.account.id, in: organization.id)
        switch Authorization.check(signedIn.account, permission, role: role) {
        case .allowed: return Granted(signedIn: signedIn, organization: organization, role: role)
        case .hidden: throw AppError.noSuchOrganization
        case .forbidden: throw OrganizationError.roleDoesNotAllow
        }
    }

    /// The instance admin making the request.
    static func requireAdmin(_ permission: Permission, _ request: Request, _ context: AppRequestContext) throws
        -> Account
    {
        let account = try request.requireSignedIn(context).account
        guard Authorization.check(account, permission, role: nil) == .allowed else {
            throw AppError.adminsOnly
        }
        return account
    }
}

extension Parameters {
    /// A UUID path parameter; a malformed one names nothing.
    func id(_ parameter: PathParameter) throws -> UUID {
        guard let text = get(parameter), let id = UUID(uuidString: text) else { throw AppError.notFound() }
        return id
    }
}

/// Finds the organization's petition an ``OrganizerRoute`` names
/// once ``OrganizationAccess`` has allowed the account in. Another organization's petition
/// is answered as if it did not exist.
struct PetitionAccess: Sendable {
    let organizations: OrganizationAccess
    let petitions: any PetitionStore

    struct Granted {
        var organization: OrganizationAccess.Granted
        var petition: Petition

        var account: Account { organization.account }
        func allows(_ permission: Permission) -> Bool { organization.allows(permission) }
    }

    func authorize(_ permission: Permission, _ request: Request, _ context: AppRequestContext) async throws -> Granted {
        let granted = try await organizations.authorize(permission, request, context)
        guard let slug = context.parameters.get(.petition), PetitionCatalog.isPlausibleSlug(slug),
            let petition = try await petitions.petition(slug: slug), petition.organizationID == granted.organization.id
        else { throw AppError.noSuchOrganizationPetition }
        return Granted(organization: granted, petition: petition)
    }
}
