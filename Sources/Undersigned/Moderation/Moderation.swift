import Foundation

/// What moderators decide about petitions: approving one that waits for review, sending it
/// back to its organizers with a reason, taking any petition down with a public reason, and
/// dismissing visitors' reports. Moves go through ``PetitionEditor``, under the petition's
/// lock and with their audit event; the emails to the organization's owners and the closing
/// of reports commit in the same transaction. Callers check first, with ``Authorization``,
/// that the account may moderate.
public struct Moderation: Sendable {
    let editor: PetitionEditor
    let store: any PetitionEditingStore
    /// Reads the owners to tell, and unseals their addresses.
    let accounts: Accounts
    let mail: AccountMail
    let clock: WallClock

    public init(
        editor: PetitionEditor, store: any PetitionEditingStore, accounts: Accounts, mail: AccountMail,
        clock: WallClock = .system
    ) {
        self.editor = editor
        self.store = store
        self.accounts = accounts
        self.mail = mail
        self.clock = clock
    }

    // MARK: Decisions

    public func approve(_ petition: Petition, by moderator: Account) async throws {
        try await decide(.approve, petition, reason: nil, by: moderator) { owner, organization, _ in
            try mail.petitionApproved(petition, of: organization, to: owner)
        }
    }

    /// Back to draft; the organizers read the reason on their petition's pages and in the email.
    public func reject(_ petition: Petition, reason: String?, by moderator: Account) async throws {
        try await decide(.reject, petition, reason: reason, by: moderator) { owner, organization, reason in
            try mail.petitionRejected(petition, of: organization, reason: reason, to: owner)
        }
    }

    /// Out of public view, whatever its state: its address shows a tombstone with the reason.
    /// Its open reports are resolved by it.
    public func takeDown(_ petition: Petition, reason: String?, by moderator: Account) async throws {
        let now = clock.now
        try await decide(.takeDown, petition, reason: reason, by: moderator) { owner, organization, reason in
            try mail.petitionTakenDown(petition, of: organization, reason: reason, at: now, to: owner)
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

    private func decide(
        _ transition: PetitionTransition, _ petition: Petition, reason: String?, by moderator: Account,
        email:
            @escaping @Sendable (_ owner: Owner, _ organization: Organization, _ reason: String) throws -> QueuedEmail,
        alongside: @escaping @Sendable (any PetitionTransaction) async throws -> Void = { _ in }
    ) async throws {
        let (organization, owners) = try await ownersToTell(of: petition)
        let reason = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try await editor.apply(transition, to: petition.id, reason: reason, by: moderator) { _, transaction in
            if let organization, !owners.isEmpty {
                try await transaction.enqueue(try owners.map { try email($0, organization, reason) })
            }
            try await alongside(transaction)
        }
        if !owners.isEmpty { mail.queued() }
    }

    /// Someone who receives the moderators' decisions about their organization's petitions.
    struct Owner: Sendable {
        var name: String
        var address: String
    }

    /// The petition's organization and its owners whose accounts are in use; none for a
    /// petition the instance hosts itself.
    private func ownersToTell(of petition: Petition) async throws -> (Organization?, [Owner]) {
        guard let organizationID = petition.organizationID,
            let organization = try await accounts.store.organization(id: organizationID)
        else {
            return (nil, [])
        }
        var owners: [Owner] = []
        for member in try await accounts.store.members(of: organizationID) where member.role == .owner {
            guard let account = try await accounts.store.account(id: member.accountID), !account.isDisabled else {
                continue
            }
            owners.append(Owner(name: account.name, address: try accounts.email(of: account)))
        }
        return (organization, owners)
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
    /// either way the organization's owners are told in the same transaction.
    public func review(
        translation language: String, of petition: Petition, approve: Bool, reason: String?, by moderator: Account
    ) async throws {
        let (organization, owners) = try await ownersToTell(of: petition)
        try await editor.review(translation: language, of: petition.id, approve: approve, reason: reason, by: moderator)
        { _, transaction in
            guard let organization, !owners.isEmpty else { return }
            try await transaction.enqueue(
                try owners.map { owner in
                    try mail.translationReviewed(
                        petition, language: language, of: organization, approved: approve, reason: reason ?? "",
                        to: owner)
                })
        }
        if !owners.isEmpty { mail.queued() }
    }

    /// "25 November 2026", as pages and emails give the day of a decision (UTC).
    public static func day(_ date: Date) -> String {
        date.formatted(
            Date.FormatStyle(date: .long, time: .omitted, locale: Locale(identifier: "en_GB"), timeZone: .gmt))
    }
}
