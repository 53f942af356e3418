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
    /// The catalog's keys of the title and detail: shown in the language of the page or the
    /// request. `title` and `detail` hold them in English; a detail without a key is the
    /// caller's own, already in the request's language.
    var words: ProblemWords? = nil
}

struct ProblemWords: Sendable {
    var title: Phrase
    /// `nil` for a detail given as it is, in the language it was written in.
    var detail: Phrase?
    /// The number a counted detail is about.
    var count: Int?
    /// The detail's placeholders, written in the language it is shown in.
    var values: @Sendable (Translation) -> [String: String] = { _ in [:] }

    func text(in translation: Translation, givenDetail: String = "") -> (title: String, detail: String) {
        guard let detail else { return (translation.text(title), givenDetail) }
        let values = values(translation)
        return (
            translation.text(title),
            count.map { translation.counted(detail, $0, values) } ?? translation.text(detail, values)
        )
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
        words?.text(in: translation, givenDetail: detail) ?? (title, detail)
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
    /// The messages are in the language the form wrote them in.
    init(_ problems: FormProblems) {
        self.init(
            status: .unprocessableContent, title: Translations.english.text(.problemFormTitle),
            detail: problems.messages.values.sorted().joined(separator: " "),
            words: ProblemWords(title: .problemFormTitle))
    }

    /// Over a limit: the page says when to come back, and `Retry-After` tells programs.
    init(_ limited: RateLimited) {
        let seconds = limited.retryAfterSeconds
        let wait: @Sendable (Translation) -> [String: String] = { ["wait": $0.wait(seconds)] }
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
                status: .tooManyRequests,
                ProblemWords(
                    title: .problemAccountAttemptsTitle, detail: .problemAccountAttemptsDetail, values: wait),
                retryAfterSeconds: seconds)
        case .wrongPasswords:
            self.init(
                status: .tooManyRequests,
                ProblemWords(title: .problemWrongPasswordsTitle, detail: .problemWrongPasswordsDetail, values: wait),
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
            self = .forbidden(Phrase.problemRoleNotAllowedDetail)
        case .notAMember:
            self = .notFound(Phrase.problemNotAMemberDetail)
        case .lastOwner:
            self.init(status: .conflict, ProblemWords(title: .problemLastOwnerTitle, detail: .problemLastOwnerDetail))
        case .invitationNotPending:
            self = .notFound(Phrase.problemInvitationNotPendingDetail)
        case .invalidInvitation:
            self = .notFound(Phrase.problemInvalidInvitationDetail)
        case .invitationForAnotherAddress:
            self = .forbidden(Phrase.problemInvitationOtherAddressDetail)
        case .accountExistsForInvitation:
            self.init(
                status: .conflict, ProblemWords(title: .problemAccountExistsTitle, detail: .problemAccountExistsDetail))
        }
    }

    init(_ error: AccountError) {
        switch error {
        case .noSuchAccount: self = .notFound(Phrase.problemNoAccountDetail)
        }
    }

    /// A move or change the petition's state does not allow (now): a page that says why.
    init(_ error: PetitionError) {
        let (detail, state) = Translation.refusal(error)
        self.init(
            status: .conflict,
            ProblemWords(
                title: .problemPetitionRefusedTitle, detail: detail,
                values: { words in state.map { ["state": words.inSentence(state: $0)] } ?? [:] }))
    }

    init(_ error: DeliveryError) {
        let detail: Phrase
        var values: [String: String] = [:]
        var state: PetitionState?
        switch error {
        case .noSuchTarget(let position):
            detail = .problemDeliveryNoSuchTarget
            values["position"] = String(position)
        case .notDeliverable(let petitionState):
            detail = .problemDeliveryNotDeliverable
            state = petitionState
        case .nothingSigned:
            detail = .problemDeliveryNothingSigned
        case .evidenceTooLarge:
            detail = .problemDeliveryEvidenceTooLarge
        case .evidenceType(let known):
            detail = .problemDeliveryEvidenceType
            values["types"] = known.joined(separator: ", ")
        }
        self.init(
            status: .conflict,
            ProblemWords(
                title: .problemDeliveryRefusedTitle, detail: detail,
                values: { [values, state] words in
                    values.merging(state.map { ["state": words.inSentence(state: $0)] } ?? [:]) { $1 }
                }))
    }

    init(_ error: ResponseDecisionError) {
        switch error {
        case .notFound:
            self = .notFound(Phrase.problemNoResponseDetail)
        case .decidedAlready:
            self.init(
                status: .conflict,
                ProblemWords(title: .problemDecidedAlreadyTitle, detail: .problemDecidedAlreadyDetail))
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
            self.init(status: status, ProblemWords(title: .problemClientTitle, detail: .problemClientDetail))
        default:
            self = .internalError
        }
    }
}

extension Translation {
    /// Why a petition refused a change, for the organizer: on the page of the change or on its own.
    func message(for error: PetitionError) -> String {
        let (detail, state) = Self.refusal(error)
        return text(detail, state.map { ["state": inSentence(state: $0)] } ?? [:])
    }

    /// The phrase of a refusal, and the state it names.
    fileprivate static func refusal(_ error: PetitionError) -> (Phrase, PetitionState?) {
        switch error {
        case .noFreeAddress: (.problemPetitionNoFreeAddress, nil)
        case .noLongerExists: (.problemPetitionNoLongerExists, nil)
        case .notEditable(let state): (.problemPetitionNotEditable, state)
        case .unchangeable(let state): (.problemPetitionUnchangeable, state)
        case .textFrozen: (.problemPetitionTextFrozen, nil)
        case .moveNotAllowed(let state): (.problemPetitionMoveNotAllowed, state)
        case .translationFrozen: (.problemPetitionTranslationFrozen, nil)
        case .translationSigned: (.problemPetitionTranslationSigned, nil)
        case .translationNotAwaitingReview: (.problemPetitionTranslationNotAwaiting, nil)
        case .amendmentBeforeOpening: (.problemPetitionAmendmentBeforeOpening, nil)
        case .updateBeforeOpening(let state): (.problemPetitionUpdateBeforeOpening, state)
        }
    }

    /// How long to wait before trying again: seconds under a minute, whole minutes above.
    func wait(_ seconds: Int) -> String {
        seconds < 60 ? counted(.problemWaitSeconds, seconds) : counted(.problemWaitMinutes, (seconds + 59) / 60)
    }
}

// MARK: The web's own

extension AppError {
    static func notFound() -> AppError {
        AppError(status: .notFound, ProblemWords(title: .problemNotFoundTitle, detail: .problemNotFoundDetail))
    }

    /// `detail` in the language of the request, as the caller wrote it.
    static func notFound(_ detail: String) -> AppError {
        AppError(
            status: .notFound, title: Translations.english.text(.problemNotFoundTitle), detail: detail,
            words: ProblemWords(title: .problemNotFoundTitle))
    }

    static let noSuchPetition = AppError.notFound(Phrase.problemNoPetitionDetail)

    private static func notFound(_ detail: Phrase) -> AppError {
        AppError(status: .notFound, ProblemWords(title: .problemNotFoundTitle, detail: detail))
    }

    /// `detail` in the language of the request, as the caller wrote it.
    static func badRequest(_ detail: String) -> AppError {
        AppError(
            status: .badRequest, title: Translations.english.text(.problemBadRequestTitle), detail: detail,
            words: ProblemWords(title: .problemBadRequestTitle))
    }

    /// `detail` in the language of the request, as the caller wrote it.
    static func forbidden(_ detail: String) -> AppError {
        AppError(
            status: .forbidden, title: Translations.english.text(.problemForbiddenTitle), detail: detail,
            words: ProblemWords(title: .problemForbiddenTitle))
    }

    private static func forbidden(_ detail: Phrase) -> AppError {
        AppError(status: .forbidden, ProblemWords(title: .problemForbiddenTitle, detail: detail))
    }

    static func overloaded(retryAfterSeconds: Int = 2) -> AppError {
        AppError(
            status: .serviceUnavailable, ProblemWords(title: .problemOverloadedTitle, detail: .problemOverloadedDetail),
            retryAfterSeconds: retryAfterSeconds)
    }

    static let databaseUnreachable = AppError(
        status: .serviceUnavailable,
        ProblemWords(title: .problemDatabaseUnreachableTitle, detail: .problemDatabaseUnreachableDetail))

    static func schemaNotCurrent(pending: [Int], unknown: [Int]) -> AppError {
        let migrations = (unknown.isEmpty ? pending : unknown).map(String.init).joined(separator: ", ")
        return AppError(
            status: .serviceUnavailable,
            ProblemWords(
                title: .problemNotReadyTitle,
                detail: unknown.isEmpty ? .problemNotReadyPendingDetail : .problemNotReadyUnknownDetail,
                values: { _ in ["migrations": migrations] }))
    }

    /// An upload over `limit` bytes.
    static func uploadTooLarge(limit: Int) -> AppError {
        AppError(
            status: .contentTooLarge,
            ProblemWords(
                title: .problemUploadTooLargeTitle, detail: .problemUploadTooLargeDetail,
                values: { ["megabytes": $0.language.number(limit / 1024 / 1024)] }))
    }

    /// For an API client; a browser is sent to the sign-in form instead.
    static let signInRequired = AppError(
        status: .unauthorized, ProblemWords(title: .problemSignInRequiredTitle, detail: .problemSignInRequiredDetail))

    static let expiredForm = AppError(
        status: .forbidden, ProblemWords(title: .problemForbiddenTitle, detail: .problemExpiredFormDetail))

    static let noSuchOrganization = AppError.notFound(Phrase.problemNoOrganizationDetail)

    static let noSuchOrganizationPetition = AppError.notFound(Phrase.problemNoOrganizationPetitionDetail)

    static let invalidUnsubscribeLink = AppError.notFound(Phrase.problemInvalidUnsubscribeDetail)

    static let adminsOnly = AppError.forbidden(Phrase.problemAdminsOnlyDetail)

    /// A request the platform's own pages never send: the words are fixed, its values filled
    /// in the language the answer is shown in.
    static func badRequest(_ detail: Phrase, _ values: [String: String] = [:]) -> AppError {
        AppError(
            status: .badRequest, ProblemWords(title: .problemBadRequestTitle, detail: detail, values: { _ in values }))
    }

    static let unknownRole = AppError(
        status: .badRequest, ProblemWords(title: .problemBadRequestTitle, detail: .problemUnknownRoleDetail))

    static let invalidResetLink = AppError(
        status: .notFound,
        ProblemWords(
            title: .problemNotFoundTitle, detail: .problemInvalidResetLinkDetail,
            values: { _ in ["path": AccountRoute.reset.path] }))

    static let noPicture = AppError.notFound(Phrase.problemNoPictureDetail)

    static let notOpenYet = AppError(
        status: .conflict, ProblemWords(title: .problemNotOpenYetTitle, detail: .problemNotOpenYetDetail))

    static let takenDownNotDeliverable = AppError(
        status: .conflict,
        ProblemWords(title: .problemTakenDownNotDeliverableTitle, detail: .problemTakenDownNotDeliverableDetail))

    static let targetLinksNotYet = AppError(
        status: .conflict, ProblemWords(title: .problemTargetLinksNotYetTitle, detail: .problemTargetLinksNotYetDetail))

    /// A link (an old bookmark, or another site's) to the export starts nothing.
    static let exportByLink = AppError(
        status: .methodNotAllowed, ProblemWords(title: .problemExportByLinkTitle, detail: .problemExportByLinkDetail))

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
