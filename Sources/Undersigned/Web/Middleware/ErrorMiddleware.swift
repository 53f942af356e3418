import Foundation
import Hummingbird
import Logging

/// Turns every error into a response a person or a program can read: an HTML page, or RFC 9457
/// problem details for the API, with what ``AppError`` says of the error. Unexpected errors are
/// logged with the request id and shown without detail.
/// Signers' errors are in the language they asked for.
struct ErrorMiddleware<Context: LanguageRequestContext>: RouterMiddleware {
    let pages: Pages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return response(to: error, of: request, context: context)
        }
    }

    /// Not async, unlike ``handle(_:context:next:)``: what it builds lives on the thread's
    /// stack, not in the frame every request's task holds while the application answers it,
    /// which took 6,336 bytes with the error pages in it.
    private func response(to error: any Error, of request: Request, context: Context) -> Response {
        if let required = error as? SignInRequired {
            guard ErrorResponses.wantsJSON(request) else {
                return .seeOther(
                    AccountRoute.signIn.path + "?next=" + SafeReturnPath.encode(required.returnPath),
                    headers: [.cacheControl: "no-store"])
            }
            var response = ErrorResponses.problemResponse(.signInRequired, language: context.language())
            response.headers[.wwwAuthenticate] = "Cookie"
            response.headers[.cacheControl] = "no-store"
            return response
        }
        if let takenDown = error as? PetitionTakenDown {
            let language = context.language(for: takenDown.petition)
            guard ErrorResponses.wantsJSON(request) else {
                return pages.response(
                    .tombstone, TombstoneView(takenDown, stylesheet: pages.stylesheetPath, language: language),
                    language: language, status: .gone, headers: [.cacheControl: "no-store", .xRobotsTag: "noindex"])
            }
            let data = (try? JSONEncoder().encode(TakenDownProblem(takenDown, language: language))) ?? Data()
            return Response(
                status: .gone,
                headers: [
                    .contentType: "application/problem+json", .cacheControl: "no-store",
                    .contentLanguage: language.code,
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let problem = AppError(error)
        if problem.status == .internalServerError {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        var response =
            ErrorResponses.wantsJSON(request)
            ? ErrorResponses.problemResponse(problem, language: context.language())
            : pages.errorPage(
                problem, language: context.language(),
                back: ErrorResponses.back(from: request, for: problem, in: Translations.bundled[context.language()])
            )
        if let seconds = problem.retryAfterSeconds {
            response.headers[.retryAfter] = String(seconds)
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// How errors are told to people and programs.
enum ErrorResponses {
    /// Where an organizer refused something (a conflict, a role that does not allow it, a
    /// form to correct) goes back to: the petition's or the organization's page, when the
    /// request was under one. Other errors offer the home page only.
    static func back(from request: Request, for problem: AppError, in words: Translation) -> ErrorView.Back? {
        guard [.badRequest, .forbidden, .conflict, .unprocessableContent, .gone].contains(problem.status) else {
            return nil
        }
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].isEmpty, parts[1] == "org", PetitionCatalog.isPlausibleSlug(String(parts[2]))
        else { return nil }
        if parts.count >= 5, parts[3] == "petitions", PetitionCatalog.isPlausibleSlug(String(parts[4])) {
            return ErrorView.Back(path: parts[0...4].joined(separator: "/"), label: words.text(.errorBackToPetition))
        }
        return ErrorView.Back(path: parts[0...2].joined(separator: "/"), label: words.text(.errorBackToOrganization))
    }

    static func wantsJSON(_ request: Request) -> Bool {
        request.uri.path.hasPrefix(APIRoute.area) || (request.headers[.accept]?.contains("json") ?? false)
    }

    static func problemResponse(_ problem: AppError, language: InterfaceLanguage = .en) -> Response {
        let words = problem.words(in: Translations.bundled[language])
        let body = ProblemDetails(title: words.title, status: problem.status.code, detail: words.detail)
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(
            status: problem.status,
            headers: [.contentType: "application/problem+json", .contentLanguage: language.code],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// RFC 9457 problem details.
struct ProblemDetails: Encodable {
    var type = "about:blank"
    var title: String
    var status: Int
    var detail: String
}
