import Foundation

/// Organizers' and moderators' changes to petitions. Each change is checked against the
/// petition's state inside the transaction that makes it, with the petition locked, and is
/// written together with its audit event. Callers decide first, with ``Authorization``,
/// whether the actor may make it.
public struct PetitionEditor: Sendable {
    let store: any PetitionEditingStore
    let review: PetitionReview
    let clock: WallClock

    public init(store: any PetitionEditingStore, review: PetitionReview, clock: WallClock = .system) {
        self.store = store
        self.review = review
        self.clock = clock
    }

    /// A change the petition's state does not allow, in words for the organizer.
    public struct Refusal: Error, Sendable, Equatable {
        public var message: String
    }

    /// A new draft of the organization's.
    public func create(_ content: PetitionContent, in organization: Organization, by account: Account) async throws -> Petition {
        let now = clock.now
        for _ in 0..<3 {
            let petition = Petition(
                slug: PetitionSlug.suggested(by: content.title), state: .draft, language: content.language, title: content.title,
                summary: content.summary, bodyMarkdown: content.bodyMarkdown, organizer: organization.name, goal: content.goal,
                targets: content.targets, organizationID: organization.id, createdAt: now)
            let inserted = try await store.petitionTransaction { transaction in
                guard try await transaction.insert(petition) else { return false }
                try await transaction.record(
                    Self.event(.petitionCreated, petition, by: account.id, at: now, details: "slug: \(petition.slug)"))
                return true
            }
            if inserted { return petition }
        }
        throw Refusal(message: "Could not find a free address for this petition. Please try again.")
    }

    /// Hands a petition to an organization, from the command line: the seed petition, say,
    /// to the campaign that runs it.
    public func assign(_ petitionID: UUID, to organization: Organization) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            try await transaction.setOrganization(petitionID: petitionID, organization: organization)
            var event = Self.event(.petitionAssigned, petition, by: nil, at: now, details: "organization: \(organization.slug)")
            event.organizationID = organization.id
            try await transaction.record(event)
        }
    }

    /// Saves the editor's fields. Once the petition is open its title, text, language and
    /// targets are what people signed: a change to them is refused, and the organizer is
    /// pointed to amendments.
    public func edit(_ petitionID: UUID, to content: PetitionContent, by account: Account) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            guard petition.state.isEditable else {
                throw Refusal(message: "A petition that is \(petition.state.words) can no longer be edited. You may still publish an amendment.")
            }
            if petition.isTextFrozen, content.changesMeaning(comparedTo: petition.content) {
                throw Refusal(
                    message: "People have been able to sign this petition, so its title, text, language and targets cannot change. "
                        + "Publish an amendment to correct or add something: it shows on the page with its date.")
            }
            guard content != petition.content else { return }
            try await transaction.update(petitionID: petitionID, content: content, at: now)
            try await transaction.record(
                Self.event(.petitionEdited, petition, by: account.id, at: now, details: Self.changedFields(from: petition.content, to: content)))
        }
    }

    /// Moves the petition along its lifecycle; returns its new state. `alongside` writes, in
    /// the same transaction, what must commit with the move or not at all (the emails that
    /// tell of it, say); it is given the petition as it was before the move.
    @discardableResult
    public func apply(
        _ transition: PetitionTransition, to petitionID: UUID, reason: String?, by account: Account,
        alongside: @Sendable (Petition, any PetitionTransaction) async throws -> Void = { _, _ in }
    ) async throws -> PetitionState {
        let now = clock.now
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if transition.needsReason {
            guard let reason, !reason.isEmpty else {
                throw FormProblems("reason", "Please give a reason: the organizers\(transition == .takeDown ? " and the public" : "") will read it.")
            }
            guard reason.count <= 1_000 else { throw FormProblems("reason", "Please keep the reason to 1,000 characters.") }
        }
        return try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            guard let next = transition.target(from: petition.state, reviewRequired: review == .required) else {
                throw Refusal(message: "This cannot be done to a petition that is \(petition.state.words).")
            }
            try await transaction.setState(petitionID: petitionID, to: next, reason: transition.needsReason ? reason : nil, at: now)
            var details = "\(petition.state.rawValue) → \(next.rawValue)"
            if let reason, transition.needsReason { details += "; reason: \(reason)" }
            try await transaction.record(Self.event(transition.auditAction, petition, by: account.id, at: now, details: details))
            try await alongside(petition, transaction)
            return next
        }
    }

    /// Adds or changes a translation. Once the petition is open, a translation may be added
    /// but not changed, for the same reason as the text.
    public func translate(_ petitionID: UUID, _ translation: PetitionTranslation, by account: Account) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            try Self.requireEditable(petition)
            guard translation.language != petition.language else {
                throw FormProblems("language", "This is the petition's own language: edit the petition instead.")
            }
            let existing = petition.translations.first { $0.language == translation.language }
            if petition.isTextFrozen, let existing, existing != translation {
                throw Refusal(
                    message: "People have been able to sign this petition in this language, so its translation cannot change. "
                        + "Publish an amendment to correct something.")
            }
            guard existing != translation else { return }
            try await transaction.save(translation, petitionID: petitionID, at: now)
            try await transaction.record(
                Self.event(.petitionTranslated, petition, by: account.id, at: now, details: "\(existing == nil ? "added" : "changed"): \(translation.language)"))
        }
    }

    /// Removes a translation that nobody can have signed in: only before the petition opens.
    public func removeTranslation(_ petitionID: UUID, language: String, by account: Account) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            guard !petition.isTextFrozen else {
                throw Refusal(message: "People have been able to sign this petition in this language, so its translation stays.")
            }
            guard petition.translations.contains(where: { $0.language == language }) else { return }
            try await transaction.removeTranslation(language: language, petitionID: petitionID)
            try await transaction.record(Self.event(.petitionTranslationRemoved, petition, by: account.id, at: now, details: language))
        }
    }

    /// Publishes a dated correction under a petition whose text is frozen.
    public func amend(_ petitionID: UUID, text: String?, by account: Account) async throws {
        let now = clock.now
        let text = (text ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 5_000 else {
            throw FormProblems("amendment", "Please write the amendment, in at most 5,000 characters.")
        }
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            guard petition.isTextFrozen, petition.state != .takenDown else {
                throw Refusal(message: "Until the petition opens, change its text directly instead.")
            }
            let amendment = Amendment(bodyMarkdown: text, createdAt: now)
            try await transaction.insert(amendment, petitionID: petitionID, author: account.id)
            try await transaction.record(
                Self.event(.petitionAmended, petition, by: account.id, at: now, details: "amendment: \(amendment.id.text)"))
        }
    }

    public func setImage(_ image: PetitionImage, of petitionID: UUID, by account: Account) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            try Self.requireEditable(petition)
            try await transaction.setImage(image, petitionID: petitionID, at: now)
            try await transaction.record(
                Self.event(
                    .petitionImageChanged, petition, by: account.id, at: now,
                    details: "\(image.format.rawValue), \(image.width)×\(image.height), \(image.bytes.count) bytes, sha256 \(image.digest)"))
        }
    }

    public func removeImage(of petitionID: UUID, by account: Account) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            try Self.requireEditable(petition)
            guard petition.image != nil else { return }
            try await transaction.removeImage(petitionID: petitionID)
            try await transaction.record(Self.event(.petitionImageRemoved, petition, by: account.id, at: now))
        }
    }

    // MARK: Helpers

    private static func locked(_ id: UUID, in transaction: any PetitionTransaction) async throws -> Petition {
        guard let petition = try await transaction.lockedPetition(id: id) else {
            throw Refusal(message: "This petition no longer exists.")
        }
        return petition
    }

    private static func requireEditable(_ petition: Petition) throws {
        guard petition.state.isEditable else {
            throw Refusal(message: "A petition that is \(petition.state.words) can no longer be changed.")
        }
    }

    static func event(_ action: AuditAction, _ petition: Petition, by actor: UUID?, at date: Date, details: String = "") -> AuditEvent {
        AuditEvent(
            at: date, actorID: actor, action: action, subjectType: "petition", subjectID: petition.id.text, organizationID: petition.organizationID,
            details: details)
    }

    private static func changedFields(from old: PetitionContent, to new: PetitionContent) -> String {
        var fields: [String] = []
        if old.title != new.title { fields.append("title") }
        if old.summary != new.summary { fields.append("summary") }
        if old.bodyMarkdown != new.bodyMarkdown { fields.append("text") }
        if old.language != new.language { fields.append("language") }
        if old.goal != new.goal { fields.append("goal \(old.goal) → \(new.goal)") }
        if old.targets != new.targets { fields.append("targets") }
        return "changed: " + fields.joined(separator: ", ")
    }
}

extension PetitionState {
    /// As lists show it.
    public var label: String {
        switch self {
        case .draft: "Draft"
        case .pendingReview: "Waiting for review"
        case .open: "Open"
        case .closed: "Closed"
        case .delivered: "Delivered"
        case .takenDown: "Taken down"
        }
    }

    /// As in "a petition that is …".
    public var words: String {
        switch self {
        case .draft: "a draft"
        case .pendingReview: "waiting for review"
        case .open: "open"
        case .closed: "closed"
        case .delivered: "delivered"
        case .takenDown: "taken down"
        }
    }
}
