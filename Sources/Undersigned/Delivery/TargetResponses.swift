import Foundation

/// Targets' responses and their review. A response posted through a private link waits for
/// the petition's organizers: a leaked link can then neither speak in the target's name on
/// the petition's page nor email every signer who asked for news. Its arrival is audited and
/// emailed to the organization's members who asked (``OrganizerNotices``; to the instance's
/// admins for a petition without an organization) in the same transaction; editors and
/// owners approve or reject it, and only
/// an approval publishes it and announces it to the signers. Each target has limits, so a
/// leaked link cannot bury the organizers either.
public struct TargetResponses: Sendable {
    let store: any TargetStore
    /// Finds the admins to tell of a petition without an organization, and unseals their addresses.
    let accounts: Accounts
    let mail: AccountMail
    /// Tells an organization's members.
    let notices: OrganizerNotices
    let clock: WallClock

    /// At most this many of a target's responses wait for review at once …
    public static let maximumPending = 3
    /// … and at most this many arrive from it in 24 hours.
    public static let maximumPerDay = 5

    public init(
        store: any TargetStore, accounts: Accounts, mail: AccountMail, notices: OrganizerNotices,
        clock: WallClock = .system
    ) {
        self.store = store
        self.accounts = accounts
        self.mail = mail
        self.notices = notices
        self.clock = clock
    }

    /// Stores the response for review and tells the reviewers; throws ``ResponseRefusal``
    /// beyond the target's limits.
    @discardableResult
    public func submit(_ text: String, to petition: Petition, targetPosition: Int) async throws -> TargetResponse {
        guard petition.targets.indices.contains(targetPosition) else {
            throw DeliveryError.noSuchTarget(targetPosition)
        }
        let now = clock.now
        let target = petition.targets[targetPosition]
        let response = TargetResponse(
            petitionID: petition.id, targetPosition: targetPosition, bodyMarkdown: text, createdAt: now)
        let emails =
            petition.organizationID == nil
            ? try await adminEmails(from: target, on: petition)
            : try await notices.emails(.responseAwaitingApproval(targetName: target.name), about: petition)
        let audit = AuditEvent(
            at: now, actorID: nil, actorLabel: Self.actorLabel(target, position: targetPosition),
            action: .responseReceived, subjectType: "response",
            subjectID: response.id.text, organizationID: petition.organizationID,
            details: "\(petition.slug), target \(targetPosition + 1), \(text.count) characters, waiting for review")
        let limits = ResponseLimits(
            pending: Self.maximumPending, perDay: Self.maximumPerDay, since: now.addingTimeInterval(-86_400))
        switch try await store.insert(response, within: limits, audit: audit, notifying: emails) {
        case .accepted:
            if !emails.isEmpty { mail.queued() }
            return response
        case .tooManyPending:
            throw ResponseRefusal.tooManyPending
        case .tooManyToday(let oldest):
            throw ResponseRefusal.tooManyToday(
                retryAfterSeconds: max(1, Int(oldest.addingTimeInterval(86_400).timeIntervalSince(now).rounded(.up))))
        }
    }

    /// Approves (publishes and announces) or rejects a pending response of `petition`.
    public func decide(_ responseID: UUID, approve: Bool, on petition: Petition, by account: Account) async throws {
        guard let response = try await store.responses(petitionID: petition.id).first(where: { $0.id == responseID }),
            petition.targets.indices.contains(response.targetPosition)
        else { throw ResponseDecisionError.notFound }
        guard response.state == .pending else { throw ResponseDecisionError.decidedAlready }
        let now = clock.now
        let target = petition.targets[response.targetPosition]
        let announcement =
            approve
            ? Announcement(
                petitionID: petition.id, lead: .response(target: target.name), subject: "",
                body: response.bodyMarkdown, createdAt: now)
            : nil
        let audit = AuditEvent(
            at: now, actorID: account.id, action: approve ? .responseApproved : .responseRejected,
            subjectType: "response",
            subjectID: response.id.text, organizationID: petition.organizationID,
            details: "\(petition.slug), target \(response.targetPosition + 1) (\(target.name))")
        guard
            try await store.decide(
                responseID: response.id, petitionID: petition.id, as: approve ? .approved : .rejected, at: now,
                by: account.id, announcing: announcement,
                audit: audit)
        else { throw ResponseDecisionError.decidedAlready }
    }

    /// How a target appears in the audit log, where it acts without an account.
    static func actorLabel(_ target: Target, position: Int) -> String {
        "target \(position + 1), \(target.name), through its private link"
    }

    /// A petition the instance hosts itself has no organization: its responses are reviewed by
    /// the instance's admins whose accounts are in use, and they are told.
    private func adminEmails(from target: Target, on petition: Petition) async throws -> [QueuedEmail] {
        try await accounts.store.allAccounts().filter { $0.isAdmin && !$0.isDisabled }.map { admin in
            try mail.responseAwaitsApproval(
                from: target.name, on: petition, review: AdminRoute.responses(petition: petition.slug),
                to: try accounts.email(of: admin), name: admin.name, language: admin.emailLanguage ?? .en)
        }
    }
}

/// How many of a target's responses may wait, and arrive since `since`.
public struct ResponseLimits: Sendable, Equatable {
    public var pending: Int
    public var perDay: Int
    public var since: Date
}

public enum ResponseAdmission: Sendable, Equatable {
    case accepted
    case tooManyPending
    /// `oldest` is the earliest of the responses that fill the day's allowance.
    case tooManyToday(oldest: Date)
}

/// A response refused by its target's limits.
public enum ResponseRefusal: Error, Equatable {
    case tooManyPending
    case tooManyToday(retryAfterSeconds: Int)
}

public enum ResponseDecisionError: Error, Equatable {
    case notFound
    case decidedAlready
}

extension AccountMail {
    /// Tells an instance admin, in the language of their emails, that a response awaits review.
    func responseAwaitsApproval(
        from targetName: String, on petition: Petition, review: any RouteGroup, to address: String, name: String,
        language: InterfaceLanguage
    ) throws -> QueuedEmail {
        let words = Translations.bundled[language]
        let values = ["target": targetName, "title": petition.title]
        return try queue(
            to: address, name: name, subject: words.text(.emailOrganizerResponseSubject, values),
            paragraphs: [
                .text(words.text(.emailHello, ["name": name])),
                .text(words.text(.emailOrganizerResponseBody, values)),
                .link(review.url(on: baseURL), label: words.text(.emailOrganizerResponseLink)),
                .text(words.text(.emailOrganizerResponseLeak)),
                .text(words.text(.emailAccountSignature)),
            ], language: language)
    }
}
