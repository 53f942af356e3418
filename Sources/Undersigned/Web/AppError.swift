import HTTPTypes
import Hummingbird

/// The failures a visitor or an API client can meet, each with a status and words a person
/// can act on. Every error a request can end in is told here: ``init(_:)`` maps each domain
/// error (and Hummingbird's own) to its status, title and detail, which the error middleware
/// shows as an HTML error page or as RFC 9457 problem details. Anything else becomes a plain
/// 500 with no detail.
public struct AppError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var retryAfterSeconds: Int?
}

extension AppError {
    /// How a request that failed with `error` is answered.
    init(_ error: any Error) {
        switch error {
        case let error as AppError: self = error
        case let error as FormProblems: self.init(error)
        case let error as RateLimited: self.init(error)
        case let error as OrganizationError: self.init(error)
        case let error as AccountError: self.init(error)
        case let error as PetitionError: self.init(error)
        case let error as DeliveryError: self.init(error)
        case let error as ResponseDecisionError: self.init(error)
        case is Overloaded: self = .overloaded()
        case is WriteFailed:
            self.init(
                status: .serviceUnavailable, title: "Your signature could not be stored just now",
                detail: "Nothing was stored. Please try again in a minute.", retryAfterSeconds: 30)
        case let error as any HTTPResponseError: self.init(error)
        case is DecodingError: self = .badRequest("The data sent is not in the expected format.")
        default: self = .internalError
        }
    }

    static let internalError = AppError(
        status: .internalServerError, title: "Something went wrong on our side",
        detail: "Nothing you entered was stored by this failed request. Please try again in a moment.")
}

// MARK: Domain errors

extension AppError {
    /// Forms catch their problems to show them beside their fields; this is the plain fallback.
    init(_ problems: FormProblems) {
        self.init(
            status: .unprocessableContent, title: "Please check what you entered",
            detail: problems.messages.values.sorted().joined(separator: " "))
    }

    /// Over a limit: the page says when to come back, and `Retry-After` tells programs.
    init(_ limited: RateLimited) {
        let seconds = limited.retryAfterSeconds
        switch limited {
        case .signing:
            let minutes = (seconds + 59) / 60
            let wait = seconds < 60 ? "a minute" : minutes == 1 ? "1 minute" : "\(minutes) minutes"
            self.init(
                status: .tooManyRequests, title: "Too many signatures from your connection",
                detail:
                    "Many signatures have come from your network in a short time, so we have paused it for a while. "
                    + "Please try again in \(wait). If many people share your connection (a school, an office, a public Wi-Fi), "
                    + "one of them can sign now from a phone's mobile data instead.",
                retryAfterSeconds: seconds)
        case .accountAttempts:
            self.init(
                status: .tooManyRequests, title: "Too many attempts from your connection",
                detail:
                    "Many sign-in attempts have come from your network in a short time. Please try again in \(AddressLimits.wait(seconds)).",
                retryAfterSeconds: seconds)
        case .wrongPasswords:
            self.init(
                status: .tooManyRequests, title: "Too many wrong tries",
                detail:
                    "Several wrong passwords for this account have come from your connection. Please wait \(AddressLimits.wait(seconds)) "
                    + "before trying again, or reset your password.",
                retryAfterSeconds: seconds)
        case .reports:
            self.init(
                status: .tooManyRequests, title: "Too many reports from your connection",
                detail:
                    "Many reports have come from your network in a short time. Please try again in \(AddressLimits.wait(seconds)). "
                    + "Reports already sent have reached the moderators.",
                retryAfterSeconds: seconds)
        }
    }

    init(_ error: OrganizationError) {
        switch error {
        case .roleDoesNotAllow:
            self = .forbidden("Your role in this organization does not allow this. Its owners can change your role.")
        case .notAMember:
            self = .notFound("This person is not a member of the organization.")
        case .lastOwner:
            self.init(
                status: .conflict, title: "An organization needs an owner",
                detail: "This is the organization's last owner. Make another member an owner first.")
        case .invitationNotPending:
            self = .notFound("This invitation was accepted or withdrawn already.")
        case .invalidInvitation:
            self = .notFound(
                "This invitation is not valid: it may have been used, withdrawn, or be older than 7 days. Ask for a new one."
            )
        case .invitationForAnotherAddress:
            self = .forbidden(
                "This invitation was sent to another email address. Sign out, then sign in with the account of that address, or create one from the invitation."
            )
        case .accountExistsForInvitation:
            self.init(
                status: .conflict, title: "You have an account already",
                detail:
                    "An account with the invited address exists already. Sign in with it, then open the invitation again."
            )
        }
    }

    init(_ error: AccountError) {
        switch error {
        case .noSuchAccount: self = .notFound("There is no such account.")
        }
    }

    /// A move or change the petition's state does not allow (now): a page that says why.
    init(_ error: PetitionError) {
        self.init(status: .conflict, title: "This cannot be done now", detail: error.message)
    }

    init(_ error: DeliveryError) {
        self.init(
            status: .conflict, title: "This delivery cannot be recorded", detail: "Sorry: \(error.description).")
    }

    init(_ error: ResponseDecisionError) {
        switch error {
        case .notFound:
            self = .notFound("This petition has no such response.")
        case .decidedAlready:
            self.init(
                status: .conflict, title: "Decided already", detail: "This response was approved or rejected already.")
        }
    }

    /// Hummingbird's own: no route, a body over its limit, a method the route does not take.
    init(_ error: any HTTPResponseError) {
        switch error.status {
        case .notFound:
            self = .notFound()
        case .contentTooLarge:
            self.init(
                status: .contentTooLarge, title: "Too much data",
                detail: "What was sent is larger than this form accepts. Please shorten it and try again.")
        case .methodNotAllowed:
            self.init(
                status: .methodNotAllowed, title: "Method not allowed",
                detail: "This address does not accept this kind of request.")
        case let status where status.kind == .clientError:
            self.init(
                status: status, title: status.reasonPhrase, detail: "The request could not be processed as sent.")
        default:
            self = .internalError
        }
    }
}

extension PetitionError {
    /// In words for the organizer, on the page of the change or on its own.
    var message: String {
        switch self {
        case .noFreeAddress:
            "Could not find a free address for this petition. Please try again."
        case .noLongerExists:
            "This petition no longer exists."
        case .notEditable(let state):
            "A petition that is \(state.words) can no longer be edited. You may still publish an amendment."
        case .unchangeable(let state):
            "A petition that is \(state.words) can no longer be changed."
        case .textFrozen:
            "People have been able to sign this petition, so its title, text, language and targets cannot change. "
                + "Publish an amendment to correct or add something: it shows on the page with its date."
        case .moveNotAllowed(let state):
            "This cannot be done to a petition that is \(state.words)."
        case .translationFrozen:
            "People have been able to sign this petition in this language, so its translation cannot change. "
                + "Publish an amendment to correct something."
        case .translationSigned:
            "People have been able to sign this petition in this language, so its translation stays."
        case .translationNotAwaitingReview:
            "This translation is not waiting for review any more."
        case .amendmentBeforeOpening:
            "Until the petition opens, change its text directly instead."
        case .updateBeforeOpening(let state):
            "Updates go to the people who signed, so they can be posted once the petition is open. This one is \(state.words)."
        }
    }
}

// MARK: The web's own

extension AppError {
    static func notFound(
        _ detail: String = "There is nothing at this address. Check the link, or start from the home page."
    ) -> AppError {
        AppError(status: .notFound, title: "Page not found", detail: detail)
    }

    static func badRequest(_ detail: String) -> AppError {
        AppError(status: .badRequest, title: "This request could not be understood", detail: detail)
    }

    static func forbidden(_ detail: String) -> AppError {
        AppError(status: .forbidden, title: "Not allowed", detail: detail)
    }

    static func overloaded(retryAfterSeconds: Int = 2) -> AppError {
        AppError(
            status: .serviceUnavailable, title: "Very busy right now",
            detail: "Many people are signing at this moment. Nothing was lost: please try again in a few seconds.",
            retryAfterSeconds: retryAfterSeconds)
    }

    static let databaseUnreachable = AppError(
        status: .serviceUnavailable, title: "Database unreachable", detail: "The database does not answer.")

    static func schemaNotCurrent(pending: [Int], unknown: [Int]) -> AppError {
        let detail =
            unknown.isEmpty
            ? "Migrations \(pending.map(String.init).joined(separator: ", ")) are not applied yet: run undersigned migrate."
            : "The database has migrations this version does not know (\(unknown.map(String.init).joined(separator: ", "))): it is older than its database."
        return AppError(status: .serviceUnavailable, title: "Not ready", detail: detail)
    }

    /// An upload over `limit` bytes.
    static func uploadTooLarge(limit: Int) -> AppError {
        AppError(
            status: .contentTooLarge, title: "This file is too large",
            detail: "The upload may be at most \(limit / 1024 / 1024) MB. Please choose a smaller file.")
    }

    /// For an API client; a browser is sent to the sign-in form instead.
    static let signInRequired = AppError(
        status: .unauthorized, title: "Sign-in required", detail: "Sign in to an organizer or admin account first.")

    static let expiredForm = AppError.forbidden(
        "For your safety this form has expired. Go back, reload the page and send it again. (Cookies must be allowed for this site.)"
    )

    static let noSuchOrganization = AppError.notFound(
        "There is no organization at this address, or you are not one of its members.")

    static let unknownRole = AppError.badRequest("Please choose a role: viewer, editor or owner.")

    static let invalidResetLink = AppError.notFound(
        "This password reset link is not valid: it works once, within an hour. Ask for a new one at \(AccountRoute.reset.path)."
    )

    static let noPicture = AppError.notFound("This petition has no picture.")

    static let notOpenYet = AppError(
        status: .conflict, title: "Nothing to deliver yet",
        detail: "This petition has not opened yet: it has no signatures to deliver.")

    static let targetLinksNotYet = AppError(
        status: .conflict, title: "Not yet", detail: "Targets' links are made once the petition is open.")

    /// A link (an old bookmark, or another site's) to the export starts nothing.
    static let exportByLink = AppError(
        status: .methodNotAllowed, title: "Use the download button",
        detail:
            "The signatures are downloaded with the button on the petition's page for its organization, never through a link."
    )

    static let invalidConfirmationLink = AppError.notFound(
        "This confirmation link is not valid. Check that you opened the whole link from the email; unconfirmed signatures are deleted after 7 days, so you may need to sign again."
    )

    /// A pending signature of a petition that closed more than the grace period ago, or whose
    /// result was delivered: the count is final.
    static func tooLateToConfirm(_ petition: Petition) -> AppError {
        let when = petition.stateChangedAt.map { " on \(Moderation.day($0))" } ?? ""
        return AppError(
            status: .gone, title: "Too late to confirm this signature",
            detail:
                "\u{201C}\(petition.title)\u{201D} closed\(when), and its count is final, so this signature was not counted. "
                + "Your name and email address will be deleted within 7 days. Thank you all the same.")
    }

    static let notConfirmable = AppError(
        status: .gone, title: "This signature cannot be confirmed",
        detail: "This signature was withdrawn or removed, so it cannot be confirmed any more.")

    static let invalidWithdrawalLink = AppError.notFound(
        "This withdrawal link is not valid. Check that you opened the whole link from your receipt email.")

    static let notWithdrawable = AppError(
        status: .gone, title: "This signature cannot be withdrawn",
        detail: "This signature was removed by the petition's moderators and is not counted.")
}
