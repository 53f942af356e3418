import HTTPTypes
import Hummingbird

/// The router group of one ``RouteGroup``: its controllers add their handlers here, each for
/// a route of the group, whose declaration gives the path. A route is named by its case, with
/// its parameters or without: `routes.get(.home, …)`, `routes.get(PetitionRoute.page, …)`.
struct GroupRouter<Routes: RouteGroup, Context: RequestContext> {
    let group: RouterGroup<Context>

    init(_ parent: some RouterMethods<Context>) {
        group = parent.group(RouterPath(Routes.prefix.joined(separator: "/")))
    }

    func get(
        _ route: Routes, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        group.on(route.routerPath, method: .get, use: handler)
    }

    func post(
        _ route: Routes, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        group.on(route.routerPath, method: .post, use: handler)
    }

    func get(
        _ route: (String) -> Routes,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        get(route(""), use: handler)
    }

    func post(
        _ route: (String) -> Routes,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        post(route(""), use: handler)
    }

    func get(
        _ route: (String, String) -> Routes,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        get(route("", ""), use: handler)
    }

    func post(
        _ route: (String, String) -> Routes,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        post(route("", ""), use: handler)
    }

    func get(
        _ route: (String, String, String) -> Routes,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        get(route("", "", ""), use: handler)
    }

    func post(
        _ route: (String, String, String) -> Routes,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        post(route("", "", ""), use: handler)
    }
}

extension Parameters {
    /// A path parameter of the route, as its declaration names it.
    func get(_ parameter: PathParameter) -> String? {
        get(parameter.rawValue)
    }
}

extension RouterMethods {
    /// The router group that serves `routes`, below its prefix.
    func group<Routes: RouteGroup>(for routes: Routes.Type) -> GroupRouter<Routes, Context> {
        GroupRouter(self)
    }
}
