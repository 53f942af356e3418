import Hummingbird

/// Health checks and the static files.
struct OperationsController<Context: RequestContext>: Sendable {
    let database: any Database
    let pages: Pages

    func addRoutes(to site: GroupRouter<SiteRoute, Context>) {
        site.get(.health, use: health)
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

    @Sendable func staticFile(_ request: Request, context: Context) async throws -> Response {
        guard let asset = pages.assets[request.uri.path] else { throw AppError.notFound() }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: asset.body))
    }
}
