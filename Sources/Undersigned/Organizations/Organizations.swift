import Foundation

/// Changes to organizations and their members. Each change is written with its audit event
/// in one transaction. Callers decide first, with ``Authorization``, whether the actor may
/// make it.
public struct Organizations: Sendable {
    let accounts: Accounts
    let sessions: Sessions
    let mail: AccountMail

    static let invitationValidity: TimeInterval = 7 * 86_400

    public init(accounts: Accounts, sessions: Sessions, mail: AccountMail) {
        self.accounts = accounts
        self.sessions = sessions
        self.mail = mail
    }

    private var store: any Accounts.Store { accounts.store }
    private var now: Date { accounts.clock.now }

    /// Creates an organization with `creator` as its owner.
    public func create(
        name: String?, slug: String?, by creator: Account, words: Translation = Translations.english
    ) async throws -> Organization {
        var problems = FormProblems()
        let validName = AccountName.validated(name)
        if validName == nil { problems["name"] = words.text(.organizationProblemName) }
        let typedSlug = (slug ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let chosenSlug = typedSlug.isEmpty ? Organization.slug(suggestedBy: validName ?? "") : typedSlug
        if validName != nil, !Organization.isValidSlug(chosenSlug) {
            problems["slug"] = words.text(.organizationProblemSlug)
        }
        try problems.check()
        guard let validName else { throw problems }
        let organization = Organization(slug: chosenSlug, name: validName, createdAt: now)
        try await store.accountTransaction { transaction in
            guard try await transaction.insert(organization) else {
                throw FormProblems("slug", words.text(.organizationProblemSlugTaken))
            }
            try await transaction.setMembership(
                organizationID: organization.id, accountID: creator.id, role: .owner, at: organization.createdAt)
            try await transaction.record(
                AuditEvent(
                    at: organization.createdAt, actorID: creator.id, action: .organizationCreated,
                    subjectType: "organization",
                    subjectID: organization.id.text, organizationID: organization.id,
                    details: "slug: \(organization.slug)"))
        }
        return organization
    }

    /// Emails an invitation to join with `role`, in the language of `words`: the inviter's.
    public func invite(
        email: String?, role: String?, to organization: Organization, by inviter: Account,
        words: Translation = Translations.english
    ) async throws {
        var problems = FormProblems()
        let address = EmailAddress(email ?? "")
        if address == nil { problems["email"] = words.text(.accountProblemEmail) }
        let role = OrganizationRole(rawValue: role ?? "")
        if role == nil { problems["role"] = words.text(.invitationProblemRole) }
        try problems.check()
        guard let address, let role else { throw problems }
        let fingerprint = accounts.fingerprint(address)
        if let existing = try await store.account(emailFingerprint: fingerprint),
            try await store.role(of: existing.id, in: organization.id) != nil
        {
            throw FormProblems("email", words.text(.invitationProblemMember))
        }
        let token = SecretToken.generate()
        let id = UUID.random()
        let invitation = Invitation(
            id: id, organizationID: organization.id, tokenHash: token.hash, emailFingerprint: fingerprint,
            sealedEmail: try accounts.sealer.seal(SealedAddress(address.address), in: .invitation(id)), role: role,
            invitedBy: inviter.id, createdAt: now,
            expiresAt: now.addingTimeInterval(Self.invitationValidity))
        let email = try mail.invitation(
            to: address.address, organization: organization, role: role, inviter: inviter.name, token: token,
            language: words.language)
        try await store.accountTransaction { transaction in
            try await transaction.insert(invitation)
            try await transaction.enqueue([email])
            try await transaction.record(
                AuditEvent(
                    at: invitation.createdAt, actorID: inviter.id, action: .invitationSent, subjectType: "invitation",
                    subjectID: invitation.id.text,
                    organizationID: organization.id, details: "role: \(role.rawValue)"))
        }
        mail.queued()
    }

    /// The address an invitation was sent to, for its organization's owners to see.
    public func email(of invitation: Invitation) throws -> String {
        try accounts.sealer.open(SealedAddress.self, from: invitation.sealedEmail, in: .invitation(invitation.id))
            .address
    }

    public func revokeInvitation(id: UUID, of organization: Organization, by actor: Account) async throws {
        let now = self.now
        try await store.accountTransaction { transaction in
            guard try await transaction.revokeInvitation(id: id, organizationID: organization.id, at: now) else {
                throw OrganizationError.invitationNotPending
            }
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: actor.id, action: .invitationRevoked, subjectType: "invitation",
                    subjectID: id.text,
                    organizationID: organization.id))
        }
    }

    /// Gives a member another role. An organization always keeps at least one owner.
    public func changeRole(
        of memberID: UUID, to role: OrganizationRole, in organization: Organization, by actor: Account
    ) async throws {
        let now = self.now
        try await store.accountTransaction { transaction in
            let roles = try await transaction.lockedMemberships(of: organization, checking: .manageMembers, for: actor)
            guard let current = roles[memberID] else {
                throw OrganizationError.notAMember
            }
            guard current != role else { return }
            if OrganizationRole.isLastOwner(current, among: roles.values) { throw OrganizationError.lastOwner }
            try await transaction.setMembership(
                organizationID: organization.id, accountID: memberID, role: role, at: now)
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: actor.id, action: .memberRoleChanged, subjectType: "account",
                    subjectID: memberID.text,
                    organizationID: organization.id, details: "role: \(current.rawValue) → \(role.rawValue)"))
        }
    }

    public func remove(_ memberID: UUID, from organization: Organization, by actor: Account) async throws {
        let now = self.now
        try await store.accountTransaction { transaction in
            let roles = try await transaction.lockedMemberships(of: organization, checking: .manageMembers, for: actor)
            guard let current = roles[memberID] else {
                throw OrganizationError.notAMember
            }
            if OrganizationRole.isLastOwner(current, among: roles.values) { throw OrganizationError.lastOwner }
            try await transaction.removeMembership(organizationID: organization.id, accountID: memberID)
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: actor.id, action: .memberRemoved, subjectType: "account",
                    subjectID: memberID.text,
                    organizationID: organization.id, details: "role was: \(current.rawValue)"))
        }
    }

    /// Chooses which of the organization's petitions the member is emailed about. Each member
    /// chooses for themselves; the change is audited.
    public func chooseNotices(_ choice: NoticeChoice, in organization: Organization, by member: Account) async throws {
        let now = self.now
        try await store.accountTransaction { transaction in
            let roles = try await transaction.lockedMemberships(organizationID: organization.id)
            guard let role = roles[member.id] else { throw OrganizationError.notAMember }
            let previous = try await transaction.noticeChoice(organizationID: organization.id, accountID: member.id)
            guard previous != choice else { return }
            try await transaction.setNoticeChoice(choice, organizationID: organization.id, accountID: member.id)
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: member.id, action: .memberNoticesChanged, subjectType: "account",
                    subjectID: member.id.text, organizationID: organization.id,
                    details:
                        "notices: \((previous ?? .standard(for: role)).rawValue)\(previous == nil ? " (default)" : "") → \(choice.rawValue)"
                ))
        }
    }

    /// A usable invitation and its organization, for the invitation page.
    public func pendingInvitation(token: String) async throws -> (Invitation, Organization)? {
        guard let hash = SecretToken.hash(of: token), let invitation = try await store.invitation(tokenHash: hash),
            invitation.isUsable(at: now),
            let organization = try await store.organization(id: invitation.organizationID)
        else { return nil }
        return (invitation, organization)
    }

    /// Whether the invitation was sent to the account's own address.
    public func isAddressed(_ invitation: Invitation, to account: Account) -> Bool {
        constantTimeEqual(invitation.emailFingerprint, account.emailFingerprint)
    }

    /// Accepts the invitation for an account signed in with the invited address.
    public func accept(token: String, by account: Account) async throws -> Organization {
        guard let (invitation, organization) = try await pendingInvitation(token: token) else {
            throw OrganizationError.invalidInvitation
        }
        guard isAddressed(invitation, to: account) else { throw OrganizationError.invitationForAnotherAddress }
        try await store.accountTransaction { transaction in
            try await join(invitation, account: account.id, in: transaction)
        }
        return organization
    }

    /// Creates an account with the invited address, accepts the invitation and signs it in.
    public func acceptCreatingAccount(
        token: String, name: String?, password: String, confirmation: String, previousSession: String?,
        words: Translation = Translations.english
    ) async throws
        -> (Account, Organization, SecretToken)
    {
        guard let (invitation, organization) = try await pendingInvitation(token: token) else {
            throw OrganizationError.invalidInvitation
        }
        let address = try email(of: invitation)
        if password != confirmation, PasswordPolicy.problem(with: password, email: address) == nil {
            throw FormProblems("confirmation", words.text(.accountProblemConfirmation))
        }
        let account = try await accounts.newAccount(
            name: name, email: address, password: password, isAdmin: false, words: words,
            emailLanguage: words.language)
        let session = try await store.accountTransaction { transaction in
            guard try await transaction.insert(account) else { throw OrganizationError.accountExistsForInvitation }
            try await transaction.record(
                AuditEvent(
                    at: account.createdAt, actorID: account.id, action: .accountCreated, subjectType: "account",
                    subjectID: account.id.text,
                    details: "from an invitation"))
            try await join(invitation, account: account.id, in: transaction)
            return try await sessions.start(for: account.id, replacing: previousSession, in: transaction)
        }
        return (account, organization, session)
    }

    /// Makes the account a member as invited, once: the invitation is read locked, so two
    /// acceptances at once cannot both use it.
    private func join(_ invitation: Invitation, account accountID: UUID, in transaction: any AccountTransaction)
        async throws
    {
        let now = self.now
        guard let locked = try await transaction.lockedInvitation(tokenHash: invitation.tokenHash),
            locked.isUsable(at: now)
        else {
            throw OrganizationError.invalidInvitation
        }
        let roles = try await transaction.lockedMemberships(organizationID: invitation.organizationID)
        // A member already keeps the role they have.
        if roles[accountID] == nil {
            try await transaction.setMembership(
                organizationID: invitation.organizationID, accountID: accountID, role: invitation.role, at: now)
        }
        try await transaction.markInvitationAccepted(id: invitation.id, by: accountID, at: now)
        try await transaction.record(
            AuditEvent(
                at: now, actorID: accountID, action: .invitationAccepted, subjectType: "invitation",
                subjectID: invitation.id.text,
                organizationID: invitation.organizationID,
                details: "role: \((roles[accountID] ?? invitation.role).rawValue)"))
    }
}
