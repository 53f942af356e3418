import Foundation
import Hummingbird
import Logging

/// Turns every error into a response a person or a program can read: an HTML page, or RFC 9457
/// problem details for the API. Unexpected errors are logged with the request id and shown
/// without detail.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: Pages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let required as SignInRequired {
            guard ErrorResponses.wantsJSON(request) else {
                return .seeOther("/account/sign-in?next=\(SafeReturnPath.encode(required.returnPath))", headers: [.cacheControl: "no-store"])
            }
            var response = ErrorResponses.problemResponse(
                AppError(status: .unauthorized, title: "Sign-in required", detail: "Sign in to an organizer or admin account first."))
            response.headers[.wwwAuthenticate] = "Cookie"
            response.headers[.cacheControl] = "no-store"
            return response
        } catch let takenDown as PetitionTakenDown {
            guard ErrorResponses.wantsJSON(request) else {
                return pages.response(
                    "tombstone", TombstoneView(takenDown, stylesheet: pages.stylesheetPath), status: .gone,
                    headers: [.cacheControl: "no-store", .xRobotsTag: "noindex"])
            }
            let data = (try? JSONEncoder().encode(TakenDownProblem(takenDown))) ?? Data()
            return Response(
                status: .gone, headers: [.contentType: "application/problem+json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            let problem = ErrorResponses.problem(for: error)
            if problem.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            var response =
                ErrorResponses.wantsJSON(request)
                ? ErrorResponses.problemResponse(problem)
                : pages.errorPage(problem)
            if let seconds = problem.retryAfterSeconds {
                response.headers[.retryAfter] = String(seconds)
            }
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }
}

/// How errors are told to people and programs.
enum ErrorResponses {
    static func problem(for error: any Error) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case let problems as FormProblems:
            // Forms catch these to show them beside their fields; this is the plain fallback.
            return AppError(
                status: .unprocessableContent, title: "Please check what you entered",
                detail: problems.messages.values.sorted().joined(separator: " "))
        case let refusal as PetitionEditor.Refusal:
            // A move or change the petition's state does not allow (now): a page that says why.
            return AppError(status: .conflict, title: "This cannot be done now", detail: refusal.message)
        case is Overloaded:
            return .overloaded()
        case is WriteFailed:
            return AppError(
                status: .serviceUnavailable, title: "Your signature could not be stored just now",
                detail: "Nothing was stored. Please try again in a minute.", retryAfterSeconds: 30)
        case let error as any HTTPResponseError:
            switch error.status {
            case .notFound:
                return .notFound()
            case .contentTooLarge:
                return AppError(
                    status: .contentTooLarge, title: "Too much data",
                    detail: "What was sent is larger than this form accepts. Please shorten it and try again.")
            case .methodNotAllowed:
                return AppError(status: .methodNotAllowed, title: "Method not allowed", detail: "This address does not accept this kind of request.")
            default:
                if error.status.kind == .clientError {
                    return AppError(status: error.status, title: error.status.reasonPhrase, detail: "The request could not be processed as sent.")
                }
                return internalError
            }
        case is DecodingError:
            return .badRequest("The data sent is not in the expected format.")
        default:
            return internalError
        }
    }

    static let internalError = AppError(
        status: .internalServerError, title: "Something went wrong on our side",
        detail: "Nothing you entered was stored by this failed request. Please try again in a moment.")

    static func wantsJSON(_ request: Request) -> Bool {
        request.uri.path.hasPrefix("/api/") || (request.headers[.accept]?.contains("json") ?? false)
    }

    static func problemResponse(_ problem: AppError) -> Response {
        let body = ProblemDetails(title: problem.title, status: problem.status.code, detail: problem.detail)
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(
            status: problem.status, headers: [.contentType: "application/problem+json"],
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
