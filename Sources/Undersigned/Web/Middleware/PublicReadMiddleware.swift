import HTTPTypes
import Hummingbird

/// The public reads — the JSON API and its OpenAPI document — are open to every site's scripts:
/// they carry no cookie's authority and nothing private, so CORS allows any origin on them, and
/// on nothing else. They answer `GET` and `HEAD` (the router makes a `HEAD` of every `GET`),
/// `OPTIONS` as a CORS preflight, and any other method with 405 and the methods allowed.
struct PublicReadMiddleware<Context: LanguageRequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard PublicReads.contains(path: request.uri.path) else {
            // Elsewhere a GET can be an event (a target's package downloaded, say), which a HEAD
            // from a link checker must not be; a HEAD's answer has no body to explain it.
            if request.method == .head { return Response(status: .notFound) }
            return try await next(request, context)
        }
        switch request.method {
        case .get, .head:
            return PublicReads.shared(try await next(request, context))
        case .options:
            return Response(status: .noContent, headers: PublicReads.preflightHeaders)
        default:
            var response = ErrorResponses.problemResponse(
                AppError(
                    status: .methodNotAllowed,
                    ProblemWords(title: .problemMethodTitle, detail: .problemReadOnlyDetail)),
                language: context.language())
            response.headers[.allow] = PublicReads.allowedMethods
            response.headers[.cacheControl] = "no-store"
            return PublicReads.shared(response)
        }
    }
}

enum PublicReads {
    static let allowedMethods = "GET, HEAD, OPTIONS"

    /// Whether `path` is one of the public reads, whatever its parameters' values.
    static func contains(path: String) -> Bool {
        // Every one is under /api/: the pages, the busiest addresses, are told apart at once.
        path.hasPrefix("/api/") && (APIRoute.onlyReads(path: path) || APIDocumentRoute.onlyReads(path: path))
    }

    /// Readable by any site's scripts, errors included, with the ETag they revalidate with.
    static func shared(_ response: Response) -> Response {
        var response = response
        response.headers[.accessControlAllowOrigin] = "*"
        response.headers[.accessControlExposeHeaders] = "ETag"
        return response
    }

    /// A preflight allows what a script may send to a read: `If-None-Match` to revalidate.
    static let preflightHeaders: HTTPFields = [
        .accessControlAllowOrigin: "*", .accessControlAllowMethods: allowedMethods,
        .accessControlAllowHeaders: "If-None-Match", .accessControlMaxAge: "86400", .allow: allowedMethods,
    ]
}

extension RouteGroup {
    /// Whether `path` is one of the group's routes that answer `GET` alone (not one a program
    /// posts to), whatever its parameters' values.
    static func onlyReads(path: String) -> Bool {
        let requested = path.split(separator: "/")
        return all.contains { route in
            guard route.declaration.methods == [.get] else { return false }
            let segments = prefix.map { PathSegment(stringLiteral: $0) } + route.declaration.segments
            return segments.count == requested.count
                && zip(segments, requested).allSatisfy { segment, value in
                    switch segment.kind {
                    case .word(let word): word == value
                    case .parameter: true
                    }
                }
        }
    }
}
