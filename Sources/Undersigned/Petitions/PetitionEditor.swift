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

    /// A new draft of the organization's.
    public func create(_ content: PetitionContent, in organization: Organization, by account: Account) async throws
        -> Petition
    {
        let now = clock.now
        for _ in 0..<3 {
            let petition = Petition(
                slug: PetitionSlug.suggested(by: content.title), state: .draft, language: content.language,
                title: content.title,
                summary: content.summary, bodyMarkdown: content.bodyMarkdown, organizer: organization.name,
                goal: content.goal,
                targets: content.targets, organizationID: organization.id, createdAt: now)
            let inserted = try await store.petitionTransaction { transaction in
                guard try await transaction.insert(petition) else { return false }
                try await transaction.record(
                    Self.event(.petitionCreated, petition, by: account.id, at: now, details: "slug: \(petition.slug)"))
                return true
            }
            if inserted { return petition }
        }
        throw PetitionError.noFreeAddress
    }

    /// Hands a petition to an organization, from the command line: the seed petition, say,
    /// to the campaign that runs it.
    public func assign(_ petitionID: UUID, to organization: Organization) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            try await transaction.setOrganization(petitionID: petitionID, organization: organization)
            var event = Self.event(
                .petitionAssigned, petition, by: nil, at: now, details: "organization: \(organization.slug)")
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
                throw PetitionError.notEditable(petition.state)
            }
            if petition.isTextFrozen, content.changesMeaning(comparedTo: petition.content) {
                throw PetitionError.textFrozen
            }
            guard content != petition.content else { return }
            try await transaction.update(petitionID: petitionID, content: content, at: now)
            try await transaction.record(
                Self.event(
                    .petitionEdited, petition, by: account.id, at: now,
                    details: Self.changedFields(from: petition.content, to: content)))
        }
    }

    /// Moves the petition along its lifecycle; returns its new state. `alongside` writes, in
    /// the same transaction, what must commit with the move or not at all (the emails that
    /// tell of it, say); it is given the petition as it was before the move. A missing or
    /// overlong reason is said in `words`.
    @discardableResult
    public func apply(
        _ transition: PetitionTransition, to petitionID: UUID, reason: String?, by account: Account,
        in words: Translation = Translations.english,
        alongside: @Sendable (Petition, any PetitionTransaction) async throws -> Void = { _, _ in }
    ) async throws -> PetitionState {
        let now = clock.now
        let reason = reason?.trimmed()
        if transition.needsReason {
            guard let reason, !reason.isEmpty else {
                throw FormProblems(
                    "reason", words.text(transition == .takeDown ? .editorErrorReasonPublic : .editorErrorReason))
            }
            guard reason.count <= 1_000 else {
                throw FormProblems(
                    "reason", words.text(.editorErrorReasonLong, ["limit": words.language.number(1_000)]))
            }
        }
        return try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            guard let next = transition.target(from: petition.state, reviewRequired: review == .required) else {
                throw PetitionError.moveNotAllowed(from: petition.state)
            }
            try await transaction.setState(
                petitionID: petitionID, to: next, reason: transition.needsReason ? reason : nil, at: now)
            if next == .open && !petition.isPublic {
                // Approved, or opened where review is optional: its translations with it.
                try await transaction.approveTranslations(petitionID: petitionID, languages: nil, at: now)
            }
            var details = "\(petition.state.rawValue) → \(next.rawValue)"
            if let reason, transition.needsReason { details += "; reason: \(reason)" }
            try await transaction.record(
                Self.event(transition.auditAction, petition, by: account.id, at: now, details: details))
            try await alongside(petition, transaction)
            return next
        }
    }

    /// Adds or changes a translation. Once the petition is open, a translation may be added
    /// but not changed, for the same reason as the text, and a new one is public only once a
    /// moderator has read it, where review is required; before, it is reviewed with the text.
    public func translate(
        _ petitionID: UUID, _ translation: PetitionTranslation, by account: Account,
        in words: Translation = Translations.english
    ) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            try Self.requireEditable(petition)
            guard !PetitionTranslation.isVariant(translation.language, of: petition.language) else {
                throw FormProblems("language", words.text(.translationEditorErrorOwnLanguage))
            }
            let approved = petition.translations.first { $0.language == translation.language }
            let existing = approved ?? petition.translationsAwaitingReview.first { $0.language == translation.language }
            if petition.isTextFrozen, let approved, approved != translation {
                throw PetitionError.translationFrozen
            }
            guard existing != translation else { return }
            let publishedAtOnce = petition.isPublic && review == .optional
            try await transaction.save(translation, petitionID: petitionID, approved: publishedAtOnce, at: now)
            try await transaction.record(
                Self.event(
                    .petitionTranslated, petition, by: account.id, at: now,
                    details: "\(existing == nil ? "added" : "changed"): \(translation.language)"))
        }
    }

    /// Removes a translation that nobody can have signed in: before the petition opens, or
    /// while the translation waits for review.
    public func removeTranslation(_ petitionID: UUID, language: String, by account: Account) async throws {
        let now = clock.now
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            let published = petition.translations.contains { $0.language == language }
            guard !(petition.isTextFrozen && published) else {
                throw PetitionError.translationSigned
            }
            guard published || petition.translationsAwaitingReview.contains(where: { $0.language == language }) else {
                return
            }
            try await transaction.removeTranslation(language: language, petitionID: petitionID)
            try await transaction.record(
                Self.event(.petitionTranslationRemoved, petition, by: account.id, at: now, details: language))
        }
    }

    /// A moderator's decision on a translation added to a public petition: approved, it is
    /// published; rejected, it is removed, with the reason kept in the audit trail.
    /// `alongside` writes what must commit with the decision (the email that tells of it). A
    /// missing or overlong reason is said in `words`.
    public func review(
        translation language: String, of petitionID: UUID, approve: Bool, reason: String?, by moderator: Account,
        in words: Translation = Translations.english,
        alongside: @Sendable (Petition, any PetitionTransaction) async throws -> Void = { _, _ in }
    ) async throws {
        let now = clock.now
        let reason = reason?.trimmed() ?? ""
        if !approve {
            guard !reason.isEmpty else {
                throw FormProblems("reason", words.text(.editorErrorReason))
            }
            guard reason.count <= 1_000 else {
                throw FormProblems(
                    "reason", words.text(.editorErrorReasonLong, ["limit": words.language.number(1_000)]))
            }
        }
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            guard petition.translationsAwaitingReview.contains(where: { $0.language == language }) else {
                throw PetitionError.translationNotAwaitingReview
            }
            if approve {
                try await transaction.approveTranslations(petitionID: petitionID, languages: [language], at: now)
                try await transaction.record(
                    Self.event(.petitionTranslationApproved, petition, by: moderator.id, at: now, details: language))
            } else {
                try await transaction.removeTranslation(language: language, petitionID: petitionID)
                try await transaction.record(
                    Self.event(
                        .petitionTranslationRejected, petition, by: moderator.id, at: now,
                        details: "\(language); reason: \(reason)"))
            }
            try await alongside(petition, transaction)
        }
    }

    /// Publishes a dated correction under a petition whose text is frozen.
    public func amend(
        _ petitionID: UUID, text: String?, by account: Account, in words: Translation = Translations.english
    ) async throws {
        let now = clock.now
        let text = (text ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 5_000 else {
            throw FormProblems("amendment", words.text(.manageErrorAmendment, ["limit": words.language.number(5_000)]))
        }
        try await store.petitionTransaction { transaction in
            let petition = try await Self.locked(petitionID, in: transaction)
            guard petition.isTextFrozen, petition.state != .takenDown else {
                throw PetitionError.amendmentBeforeOpening
            }
            let amendment = Amendment(bodyMarkdown: text, createdAt: now)
            try await transaction.insert(amendment, petitionID: petitionID, author: account.id)
            try await transaction.record(
                Self.event(
                    .petitionAmended, petition, by: account.id, at: now, details: "amendment: \(amendment.id.text)"))
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
                    details:
                        "\(image.format.rawValue), \(image.width)×\(image.height), \(image.bytes.count) bytes, sha256 \(image.digest)"
                ))
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
            throw PetitionError.noLongerExists
        }
        return petition
    }

    private static func requireEditable(_ petition: Petition) throws {
        guard petition.state.isEditable else {
            throw PetitionError.unchangeable(petition.state)
        }
    }

    static func event(_ action: AuditAction, _ petition: Petition, by actor: UUID?, at date: Date, details: String = "")
        -> AuditEvent
    {
        AuditEvent(
            at: date, actorID: actor, action: action, subjectType: "petition", subjectID: petition.id.text,
            organizationID: petition.organizationID,
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
