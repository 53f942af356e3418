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
    /// The catalog's keys of the title and detail, for the errors a signer meets: shown in the
    /// language of the page or the request. Others are in English.
    var words: ProblemWords? = nil
}

struct ProblemWords: Sendable {
    var title: Phrase
    /// `nil` for a detail that is in English only.
    var detail: Phrase?
    /// The number a counted detail is about.
    var count: Int?

    func text(in translation: Translation, englishDetail: String = "") -> (title: String, detail: String) {
        guard let detail else { return (translation.text(title), englishDetail) }
        return (translation.text(title), count.map { translation.counted(detail, $0) } ?? translation.text(detail))
    }
}

extension AppError {
    init(status: HTTPResponse.Status, _ words: ProblemWords, retryAfterSeconds: Int? = nil) {
        let english = words.text(in: Translations.english)
        self.init(
            status: status, title: english.title, detail: english.detail, retryAfterSeconds: retryAfterSeconds,
            words: words)
    }

    /// Title and detail in the language of `translation`, when they have been translated.
    func words(in translation: Translation) -> (title: String, detail: String) {
        words?.text(in: translation, englishDetail: detail) ?? (title, detail)
    }
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
                status: .serviceUnavailable,
                ProblemWords(title: .problemWriteFailedTitle, detail: .problemWriteFailedDetail),
                retryAfterSeconds: 30)
        case let error as any HTTPResponseError: self.init(error)
        case is DecodingError:
            self.init(
                status: .badRequest, ProblemWords(title: .problemBadRequestTitle, detail: .problemBadFormatDetail))
        default: self = .internalError
        }
    }

    static let internalError = AppError(
        status: .internalServerError, ProblemWords(title: .problemInternalTitle, detail: .problemInternalDetail))
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
            self.init(
                status: .tooManyRequests,
                ProblemWords(
                    title: .problemSigningLimitedTitle, detail: .problemSigningLimitedDetail,
                    count: Self.minutes(seconds)),
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
                status: .tooManyRequests,
                ProblemWords(
                    title: .problemReportsLimitedTitle, detail: .problemReportsLimitedDetail,
                    count: Self.minutes(seconds)),
                retryAfterSeconds: seconds)
        }
    }

    /// Whole minutes to wait, at least one.
    private static func minutes(_ seconds: Int) -> Int {
        max(1, seconds / 60 + (seconds % 60 > 0 ? 1 : 0))
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
                status: .contentTooLarge, ProblemWords(title: .problemTooLargeTitle, detail: .problemTooLargeDetail))
        case .methodNotAllowed:
            self.init(status: .methodNotAllowed, ProblemWords(title: .problemMethodTitle, detail: .problemMethodDetail))
        case let status where status.kind == .clientError:
            self.init(
                status: status, title: status.reasonPhrase,
                detail: Translations.english.text(.problemClientDetail))
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
    static func notFound() -> AppError {
        AppError(status: .notFound, ProblemWords(title: .problemNotFoundTitle, detail: .problemNotFoundDetail))
    }

    static func notFound(_ detail: String) -> AppError {
        AppError(
            status: .notFound, title: Translations.english.text(.problemNotFoundTitle), detail: detail,
            words: ProblemWords(title: .problemNotFoundTitle))
    }

    static let noSuchPetition = AppError.notFound(Phrase.problemNoPetitionDetail)

    private static func notFound(_ detail: Phrase) -> AppError {
        AppError(status: .notFound, ProblemWords(title: .problemNotFoundTitle, detail: detail))
    }

    static func badRequest(_ detail: String) -> AppError {
        AppError(status: .badRequest, title: "This request could not be understood", detail: detail)
    }

    static func forbidden(_ detail: String) -> AppError {
        AppError(status: .forbidden, title: "Not allowed", detail: detail)
    }

    static func overloaded(retryAfterSeconds: Int = 2) -> AppError {
        AppError(
            status: .serviceUnavailable, ProblemWords(title: .problemOverloadedTitle, detail: .problemOverloadedDetail),
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

    static let expiredForm = AppError(
        status: .forbidden, ProblemWords(title: .problemForbiddenTitle, detail: .problemExpiredFormDetail))

    static let noSuchOrganization = AppError.notFound(
        "There is no organization at this address, or you are not one of its members.")

    static let unknownRole = AppError.badRequest("Please choose a role: viewer, editor or owner.")

    static let invalidResetLink = AppError.notFound(
        "This password reset link is not valid: it works once, within an hour. Ask for a new one at \(AccountRoute.reset.path)."
    )

    static let noPicture = AppError.notFound(Phrase.problemNoPictureDetail)

    static let notOpenYet = AppError(
        status: .conflict, title: "Nothing to deliver yet",
        detail: "This petition has not opened yet: it has no signatures to deliver.")

    static let takenDownNotDeliverable = AppError(
        status: .conflict, title: "Not deliverable",
        detail:
            "A moderator took this petition down: it cannot be delivered. Its page for the organization shows the reason."
    )

    static let targetLinksNotYet = AppError(
        status: .conflict, title: "Not yet", detail: "Targets' links are made once the petition is open.")

    /// A link (an old bookmark, or another site's) to the export starts nothing.
    static let exportByLink = AppError(
        status: .methodNotAllowed, title: "Use the download button",
        detail:
            "The signatures are downloaded with the button on the petition's page for its organization, never through a link."
    )

    static let invalidConfirmationLink = AppError.notFound(Phrase.problemInvalidConfirmationDetail)

    /// A pending signature of a petition that closed more than the grace period ago, or whose
    /// result was delivered: the count is final.
    static let tooLateToConfirm = AppError(
        status: .gone, ProblemWords(title: .problemTooLateTitle, detail: .problemTooLateDetail))

    static let notConfirmable = AppError(
        status: .gone, ProblemWords(title: .problemNotConfirmableTitle, detail: .problemNotConfirmableDetail))

    static let invalidWithdrawalLink = AppError.notFound(Phrase.problemInvalidWithdrawalDetail)

    static let notWithdrawable = AppError(
        status: .gone, ProblemWords(title: .problemNotWithdrawableTitle, detail: .problemNotWithdrawableDetail))
}
