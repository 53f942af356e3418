import Hummingbird

/// Health checks and the static files.
struct OperationsController<Context: RequestContext>: Sendable {
    let database: any Database
    let pages: Pages

    func addRoutes(to site: GroupRouter<SiteRoute, Context>) {
        site.get(.health, use: health)
        site.get(.readiness, use: readiness)
        site.get(SiteRoute.staticFile, use: staticFile)
    }

    struct Health: ResponseEncodable {
        var status: String
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        guard await database.isReachable() else { throw AppError.databaseUnreachable }
        var response = try Health(status: "ok").response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Ready when the database answers and holds every migration this build knows, and
    /// none it does not: a load balancer keeps traffic away during a migration or from a
    /// binary older than its database.
    @Sendable func readiness(_ request: Request, context: Context) async throws -> Response {
        guard await database.isReachable() else { throw AppError.databaseUnreachable }
        let applied = Set(try await database.appliedMigrations())
        let known = Set(Migrations.all.map(\.version))
        guard applied == known else {
            throw AppError.schemaNotCurrent(
                pending: known.subtracting(applied).sorted(), unknown: applied.subtracting(known).sorted())
        }
        var response = try Health(status: "ready").response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func staticFile(_ request: Request, context: Context) async throws -> Response {
        guard let asset = pages.assets[request.uri.path] else { throw AppError.notFound() }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: asset.body))
    }
}
