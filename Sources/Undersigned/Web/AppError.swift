import HTTPTypes

/// The failures a visitor or an API client can meet, each with a status and words a person
/// can act on. Anything else becomes a plain 500 with no detail.
public struct AppError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var retryAfterSeconds: Int?

    public static func notFound(_ detail: String = "There is nothing at this address. Check the link, or start from the home page.") -> AppError {
        AppError(status: .notFound, title: "Page not found", detail: detail)
    }

    public static func badRequest(_ detail: String) -> AppError {
        AppError(status: .badRequest, title: "This request could not be understood", detail: detail)
    }

    public static func forbidden(_ detail: String) -> AppError {
        AppError(status: .forbidden, title: "Not allowed", detail: detail)
    }

    public static func overloaded(retryAfterSeconds: Int = 2) -> AppError {
        AppError(
            status: .serviceUnavailable, title: "Very busy right now",
            detail: "Many people are signing at this moment. Nothing was lost: please try again in a few seconds.",
            retryAfterSeconds: retryAfterSeconds)
    }
}
