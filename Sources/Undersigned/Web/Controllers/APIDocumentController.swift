import Foundation
import Hummingbird

/// The OpenAPI document of the JSON API, as shipped in `Resources/api`.
struct APIDocumentController<Context: RequestContext>: Sendable {
    let document: EncodedAnswer

    /// Read once at startup: a build without its document does not start.
    static func load() throws -> APIDocumentController {
        APIDocumentController(
            document: EncodedAnswer(try Data(contentsOf: BundledResources.url("api/openapi.json"))))
    }

    func addRoutes(to routes: GroupRouter<APIDocumentRoute, Context>) {
        routes.get(.openAPI, use: openAPI)
    }

    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        CacheableResponse.response(
            document, contentType: CacheableResponse.jsonType, request: request,
            cacheControl: "public, max-age=3600")
    }
}
