import HTTPTypes

/// Every route the site serves, as declared: what the router must serve, no more and no less.
enum RouteTable {
    struct Entry: Hashable, Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        /// As the router describes it: `/org/{slug}`.
        var pattern: String

        var description: String { "\(method) \(pattern)" }
    }

    static let groups: [any RouteGroup.Type] = [
        SiteRoute.self, PetitionRoute.self, SignerRoute.self, TargetRoute.self, APIRoute.self, APIDocumentRoute.self,
        AccountRoute.self, InvitationRoute.self, OrganizationRoute.self, OrganizerRoute.self, AdminRoute.self,
    ]

    static var all: [Entry] {
        groups.flatMap { entries($0) }
    }

    static func entries<Group: RouteGroup>(_ group: Group.Type) -> [Entry] {
        Group.all.flatMap { route in
            route.declaration.methods.map { Entry(method: $0, pattern: route.pattern) }
        }
    }
}
