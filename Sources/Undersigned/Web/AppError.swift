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

    /// Over a rate limit: the page says when to come back, and `Retry-After` tells programs.
    public static func tooManyRequests(retryAfterSeconds: Int) -> AppError {
        let minutes = (retryAfterSeconds + 59) / 60
        let wait = retryAfterSeconds < 60 ? "a minute" : minutes == 1 ? "1 minute" : "\(minutes) minutes"
        return AppError(
            status: .tooManyRequests, title: "Too many signatures from your connection",
            detail: "Many signatures have come from your network in a short time, so we have paused it for a while. "
                + "Please try again in \(wait). If many people share your connection (a school, an office, a public Wi-Fi), "
                + "one of them can sign now from a phone's mobile data instead.",
            retryAfterSeconds: retryAfterSeconds)
    }

    public static func overloaded(retryAfterSeconds: Int = 2) -> AppError {
        AppError(
            status: .serviceUnavailable, title: "Very busy right now",
            detail: "Many people are signing at this moment. Nothing was lost: please try again in a few seconds.",
            retryAfterSeconds: retryAfterSeconds)
    }
}
