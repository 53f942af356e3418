import Foundation
import Testing

@testable import Undersigned

/// Petitions of organizations put straight into the database, and signers of them.
///
/// Tests write through a second handle on the database before or after the application runs,
/// rarely while it does: a second SQLite handle in the same process waits for locks, and
/// checkpoints as it closes, on the two threads that every SQLite connection of every test
/// shares, and under a full parallel run that can stall other tests' connections past their
/// busy timeout.
extension TestInstance {
    /// Runs `body` on the instance's database through a handle of its own.
    func withStore<Value: Sendable>(_ body: (any Database) async throws -> Value) async throws -> Value {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var value: Value?
        try await withServices(of: store) { value = try await body(store) }
        return try #require(value)
    }

    /// Before the application runs: the organization `slug`, owned by `owner`, with a petition
    /// in each state given, by slug.
    @discardableResult
    func prepareOrganization(_ slug: String, owner: Account, petitions: [String: PetitionState]) async throws
        -> [String: Petition]
    {
        try await withStore { store in
            try await store.migrate()
            let organization = Organization(slug: slug, name: slug.capitalized, createdAt: Date())
            try await store.accountTransaction { transaction in
                _ = try await transaction.insert(organization)
                try await transaction.setMembership(
                    organizationID: organization.id, accountID: owner.id, role: .owner, at: organization.createdAt)
            }
            var inserted: [String: Petition] = [:]
            for (petitionSlug, state) in petitions {
                inserted[petitionSlug] = try await Self.insertPetition(
                    slug: petitionSlug, of: organization, state: state, into: store)
            }
            return inserted
        }
    }

    /// A petition of the organization at `organization`, in `state`, as if its editors had
    /// written it and it had gone through review.
    @discardableResult
    func insertPetition(slug: String, organization: String, state: PetitionState = .open) async throws -> Petition {
        try await withStore { store in
            try await Self.insertPetition(
                slug: slug, of: try #require(try await store.organization(slug: organization)), state: state,
                into: store)
        }
    }

    private static func insertPetition(
        slug: String, of organization: Organization, state: PetitionState, into store: any Database
    ) async throws -> Petition {
        var petition = try SeedPetition.load(createdAt: Date())
        petition.id = UUID()
        petition.slug = slug
        petition.title = "A petition called \(slug)"
        petition.state = state
        petition.organizer = organization.name
        petition.organizationID = organization.id
        try await store.insert(petition)
        return petition
    }

    /// Invalidates the petition's signatures made from addresses at `domain`, as a moderator's
    /// review does; returns how many.
    func invalidateSignatures(of petition: Petition, domain: String) async throws -> Int {
        try await withStore { store in
            let review = SignatureReview(
                store: store, sealer: try await sealer(for: store),
                receipts: ReceiptCodes(key: try secret().key(for: .receipt)))
            return try await review.invalidate(
                petitionID: petition.id, domain: domain, window: Date.distantPast...Date.distantFuture, reason: "a test"
            )
            .signatures
        }
    }

    /// What seals personal data on this instance.
    func sealer(for store: any Database) async throws -> PersonalDataSealer {
        let masterKeys = try settings.loadMasterKeys()
        let keys = DataKeyRing(store: store, masterKeys: masterKeys, reloadMasterKeys: { masterKeys })
        try await keys.refresh()
        return PersonalDataSealer(keys: keys)
    }

    func secret() throws -> ServerSecret {
        try ServerSecret.load(configured: settings.secret, dataDirectory: settings.dataDirectory)
    }
}

extension Browser {
    /// Signs the petition at `slug`, confirms through the emailed link and waits for the receipt.
    func signAndConfirm(
        email: String, on slug: String, name: String = "Amal Haddad", country: String = "SY", showName: Bool = false,
        updates: Bool = false
    ) async throws {
        let signed = try await sign(
            name: name, email: email, country: country, showName: showName, updates: updates, slug: slug)
        #expect(signed.status == .seeOther)
        let link = try #require(try await mailbox.waitForMessages(to: email).first?.confirmationPath)
        #expect(try await confirm(link).status == .seeOther)
        _ = try await mailbox.waitForMessages(to: email, count: 2)
    }

    /// Waits until the outbox is empty and, given an updates page, until it says that every
    /// update has gone to all its signers. Asked over HTTP, so as not to open the database.
    func waitUntilNewsIsSent(updates path: String? = nil, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let metrics = try await get("/metrics").body
            let queueEmpty =
                metrics.firstMatch(of: /\nundersigned_outbox_queue_depth ([0-9.]+)\n/).flatMap { Double($0.1) } == 0
            var updatesSent = true
            if let path { updatesSent = try await !get(path).body.contains("Being emailed") }
            if queueEmpty && updatesSent { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("announcements or emails still waiting after \(timeout)")
    }

    /// Withdraws through the link of the receipt emailed to `email`.
    func withdraw(email: String) async throws {
        let link = try #require(mailbox.messages(to: email).compactMap(\.withdrawalPath).last)
        #expect(try await confirm(link).status == .seeOther)
    }
}
