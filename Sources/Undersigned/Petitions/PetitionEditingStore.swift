import Foundation

/// Where organizers' and moderators' changes to petitions are written. Every change goes
/// through ``petitionTransaction(_:)`` with its audit event, so both commit or neither does.
public protocol PetitionEditingStore: Sendable {
    func petitionTransaction<Result: Sendable>(_ body: @Sendable (any PetitionTransaction) async throws -> Result)
        async throws -> Result
    /// The organization's petitions, newest first.
    func petitions(organizationID: UUID) async throws -> [Petition]
    /// Petitions in `state` across the instance, oldest first: the moderation queue reads it.
    func petitions(in state: PetitionState) async throws -> [Petition]
    /// Public petitions with a translation waiting for a moderator, the longest waiting first.
    func petitionsWithTranslationsAwaitingReview() async throws -> [Petition]
    func image(petitionID: UUID) async throws -> PetitionImage?
}

/// The writes of one transaction on a petition.
public protocol PetitionTransaction: Sendable {
    /// Inserts the petition; `false` when its slug is taken.
    func insert(_ petition: Petition) async throws -> Bool
    /// The petition, locked until the transaction ends where the database can, so that two
    /// changes to it are made one after the other.
    func lockedPetition(id: UUID) async throws -> Petition?
    /// Replaces the editable fields and the targets.
    func update(petitionID: UUID, content: PetitionContent, at date: Date) async throws
    /// Hands the petition to an organization, whose name it then shows as its organizer.
    func setOrganization(petitionID: UUID, organization: Organization) async throws
    func setState(petitionID: UUID, to state: PetitionState, reason: String?, at date: Date) async throws
    /// Adds the translation, or replaces the one in its language; one not `approved` waits
    /// for a moderator and is not public.
    func save(_ translation: PetitionTranslation, petitionID: UUID, approved: Bool, at date: Date) async throws
    /// Approves the petition's translations waiting for review: those in `languages`, or all.
    func approveTranslations(petitionID: UUID, languages: [String]?, at date: Date) async throws
    func removeTranslation(language: String, petitionID: UUID) async throws
    func insert(_ amendment: Amendment, petitionID: UUID, author: UUID?) async throws
    /// Stores the update and the announcement that emails it to the signers who asked for news.
    func insert(_ update: PetitionUpdate, petitionID: UUID, author: UUID?, announcing announcement: Announcement)
        async throws
    func setImage(_ image: PetitionImage, petitionID: UUID, at date: Date) async throws
    func removeImage(petitionID: UUID) async throws
    func record(_ event: AuditEvent) async throws
    func enqueue(_ emails: [QueuedEmail]) async throws
    /// Closes the petition's open reports, erasing what their senders wrote; returns them as
    /// they were.
    func resolveReports(petitionID: UUID, as resolution: ReportResolution, at date: Date) async throws
        -> [PetitionReport]
}
