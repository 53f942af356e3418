import Foundation

/// What moderators decide about petitions: approving one that waits for review, sending it
/// back to its organizers with a reason, taking any petition down with a public reason, and
/// dismissing visitors' reports. Moves go through ``PetitionEditor``, under the petition's
/// lock and with their audit event; the emails to the organization's members who asked
/// (``OrganizerNotices``) and the closing of reports commit in the same transaction. Callers
/// check first, with ``Authorization``, that the account may moderate.
public struct Moderation: Sendable {
    let editor: PetitionEditor
    let store: any PetitionEditingStore
    /// Decides whom to tell, and writes their emails.
    let notices: OrganizerNotices
    let clock: WallClock

    public init(
        editor: PetitionEditor, store: any PetitionEditingStore, notices: OrganizerNotices, clock: WallClock = .system
    ) {
        self.editor = editor
        self.store = store
        self.notices = notices
        self.clock = clock
    }

    // MARK: Decisions

    public func approve(_ petition: Petition, by moderator: Account) async throws {
        try await decide(.approve, petition, reason: nil, by: moderator) { _ in .approved }
    }

    /// Back to draft; the organizers read the reason on their petition's pages and in the email.
    /// A missing or overlong reason is said in `words`.
    public func reject(
        _ petition: Petition, reason: String?, by moderator: Account, in words: Translation = Translations.english
    ) async throws {
        try await decide(.reject, petition, reason: reason, by: moderator, in: words) { .rejected(reason: $0) }
    }

    /// Out of public view, whatever its state: its address shows a tombstone with the reason.
    /// Its open reports are resolved by it.
    public func takeDown(
        _ petition: Petition, reason: String?, by moderator: Account, in words: Translation = Translations.english
    ) async throws {
        let now = clock.now
        try await decide(.takeDown, petition, reason: reason, by: moderator, in: words) {
            .takenDown(reason: $0, at: now)
        } alongside: { transaction in
            let reports = try await transaction.resolveReports(petitionID: petition.id, as: .takenDown, at: now)
            guard !reports.isEmpty else { return }
            try await transaction.record(
                PetitionEditor.event(.reportsUpheld, petition, by: moderator.id, at: now, details: reports.summary))
        }
    }

    /// Closes the petition's open reports without acting on it; returns how many there were.
    @discardableResult
    public func dismissReports(of petition: Petition, by moderator: Account) async throws -> Int {
        let now = clock.now
        return try await store.petitionTransaction { transaction in
            let reports = try await transaction.resolveReports(petitionID: petition.id, as: .dismissed, at: now)
            guard !reports.isEmpty else { return 0 }
            try await transaction.record(
                PetitionEditor.event(.reportsDismissed, petition, by: moderator.id, at: now, details: reports.summary))
            return reports.count
        }
    }

    /// Applies the decision, with the emails that tell of it (`event`, given the trimmed reason).
    private func decide(
        _ transition: PetitionTransition, _ petition: Petition, reason: String?, by moderator: Account,
        in words: Translation = Translations.english, event: (_ reason: String) -> OrganizerEvent,
        alongside: @escaping @Sendable (any PetitionTransaction) async throws -> Void = { _ in }
    ) async throws {
        let reason = (reason ?? "").trimmed()
        let emails = try await notices.emails(event(reason), about: petition)
        try await editor.apply(transition, to: petition.id, reason: reason, by: moderator, in: words) {
            _, transaction in
            if !emails.isEmpty { try await transaction.enqueue(emails) }
            try await alongside(transaction)
        }
        if !emails.isEmpty { notices.queued() }
    }

    /// Petitions waiting for review, the longest waiting first.
    public func pendingReview() async throws -> [Petition] {
        try await store.petitions(in: .pendingReview)
    }

    /// Public petitions with translations that no moderator has read yet.
    public func translationsAwaitingReview() async throws -> [Petition] {
        try await store.petitionsWithTranslationsAwaitingReview()
    }

    /// Publishes a translation added to a public petition, or removes it with a reason;
    /// either way the organization's members who asked are told in the same transaction.
    public func review(
        translation language: String, of petition: Petition, approve: Bool, reason: String?, by moderator: Account,
        in words: Translation = Translations.english
    ) async throws {
        let emails = try await notices.emails(
            .translationReviewed(
                language: language, approved: approve,
                reason: (reason ?? "").trimmed()),
            about: petition)
        try await editor.review(
            translation: language, of: petition.id, approve: approve, reason: reason, by: moderator, in: words
        ) { _, transaction in
            if !emails.isEmpty { try await transaction.enqueue(emails) }
        }
        if !emails.isEmpty { notices.queued() }
    }
}
