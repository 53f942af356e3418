import Foundation

/// News an organizer posts on a petition: shown on its page, newest first, and emailed to the
/// confirmed signers who asked for news.
public struct PetitionUpdate: Sendable, Equatable {
    public var id: UUID
    /// One line of plain text: the email's subject and the heading on the page.
    public var subject: String
    /// Markdown, rendered through the sanitiser like petition texts.
    public var bodyMarkdown: String
    public var createdAt: Date

    public init(id: UUID = .random(), subject: String, bodyMarkdown: String, createdAt: Date) {
        self.id = id
        self.subject = subject
        self.bodyMarkdown = bodyMarkdown
        self.createdAt = createdAt
    }
}

/// An update as its organizers see it, with how far its email has gone.
public struct PostedUpdate: Sendable, Equatable {
    public var update: PetitionUpdate
    public var authorName: String?
    /// Signers it has been queued for so far.
    public var emailed: Int
    /// Whether every signer who asked for news has been reached.
    public var emailFinished: Bool
}

public protocol UpdateStore: Sendable {
    /// The petition's updates, newest first, with their emails' progress.
    func postedUpdates(petitionID: UUID) async throws -> [PostedUpdate]
    /// How many an update posted now would be emailed to: the confirmed signers who asked for news.
    func newsRecipientCount(petitionID: UUID) async throws -> Int
}

/// Posting updates. The update, the announcement that emails it (through the outbox, a page
/// of signers at a time, see ``AnnouncementWorker``) and the audit event are written in one
/// transaction, with the petition locked so that its state cannot change meanwhile.
public struct PetitionUpdates: Sendable {
    let store: any PetitionEditingStore
    let clock: WallClock

    public static let maximumSubjectLength = 150
    public static let maximumBodyLength = 20_000

    public init(store: any PetitionEditingStore, clock: WallClock = .system) {
        self.store = store
        self.clock = clock
    }

    /// The subject on one line and the text trimmed, or the problems with them in `words`.
    public static func validated(subject: String?, body: String?, in words: Translation = Translations.english) throws
        -> (subject: String, body: String)
    {
        // A subject is one line: it becomes an email header.
        let subject = (subject ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let body = (body ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
        var problems = FormProblems()
        if subject.isEmpty {
            problems["subject"] = words.text(.updatesErrorSubjectMissing)
        } else if subject.count > Self.maximumSubjectLength {
            problems["subject"] = words.text(
                .updatesErrorSubjectLong, ["limit": words.language.number(Self.maximumSubjectLength)])
        }
        if body.isEmpty {
            problems["body"] = words.text(.updatesErrorBodyMissing)
        } else if body.count > Self.maximumBodyLength {
            problems["body"] = words.text(
                .updatesErrorBodyLong, ["limit": words.language.number(Self.maximumBodyLength)])
        }
        try problems.check()
        return (subject, body)
    }

    @discardableResult
    public func post(
        subject: String?, body: String?, on petitionID: UUID, by account: Account,
        in words: Translation = Translations.english
    ) async throws -> PetitionUpdate {
        let (subject, body) = try Self.validated(subject: subject, body: body, in: words)
        let now = clock.now
        return try await store.petitionTransaction { transaction in
            guard let petition = try await transaction.lockedPetition(id: petitionID) else {
                throw PetitionError.noLongerExists
            }
            guard petition.state.hasOpened else {
                throw PetitionError.updateBeforeOpening(petition.state)
            }
            let update = PetitionUpdate(subject: subject, bodyMarkdown: body, createdAt: now)
            try await transaction.insert(
                update, petitionID: petitionID, author: account.id,
                announcing: Self.announcement(of: update, on: petition))
            try await transaction.record(
                PetitionEditor.event(
                    .petitionUpdatePosted, petition, by: account.id, at: now,
                    details: "update \(update.id.text): \(subject)"))
            return update
        }
    }

    /// A copy of an update not yet posted, to the organizer who wrote it, with the text the
    /// signers will read: nothing is posted, and no signer is written to. The copy's own
    /// words are in the organizer's language `words`.
    public func sendCopy(
        subject: String, body: String, of petition: Petition, to address: String, name: String, mail: AccountMail,
        in words: Translation = Translations.english
    ) async throws {
        let update = PetitionUpdate(subject: subject, bodyMarkdown: body, createdAt: clock.now)
        let announcement = Self.announcement(of: update, on: petition)
        let email = try mail.queue(
            to: address, name: name,
            subject: words.text(
                .updatesCopySubject,
                ["subject": words.text(.emailNewsSubject, ["subject": subject, "title": petition.title])]),
            paragraphs: [
                .text(words.text(.updatesCopyNote)),
                .text(words.text(.emailHello, ["name": name])),
            ]
                + announcement.paragraphs(in: words).map { .text($0) }, language: words.language)
        try await store.petitionTransaction { try await $0.enqueue([email]) }
        mail.queued()
    }

    /// The email's text: the Markdown reads well enough as plain text.
    static func announcement(of update: PetitionUpdate, on petition: Petition) -> Announcement {
        Announcement(
            petitionID: petition.id, lead: .update(organizer: petition.organizer), subject: update.subject,
            body: update.bodyMarkdown, createdAt: update.createdAt)
    }
}
