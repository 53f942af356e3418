import Foundation
import Testing

@testable import Undersigned

/// Petitions of organizations put straight into the database, and signers of them.
extension TestInstance {
    /// Runs `body` on the instance's database, opened beside the running application.
    func withStore<Value: Sendable>(_ body: (any Database) async throws -> Value) async throws -> Value {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var value: Value?
        try await withServices(of: store) { value = try await body(store) }
        return try #require(value)
    }

    /// A petition of the organization at `organization`, in `state`, as if its editors had
    /// written it and it had gone through review.
    @discardableResult
    func insertPetition(slug: String, organization: String, state: PetitionState = .open) async throws -> Petition {
        try await withStore { store in
            let owner = try #require(try await store.organization(slug: organization))
            var petition = try SeedPetition.load()
            petition.id = UUID()
            petition.slug = slug
            petition.title = "A petition called \(slug)"
            petition.state = state
            petition.organizer = owner.name
            petition.organizationID = owner.id
            try await store.insert(petition)
            return petition
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

    /// Waits until every announcement has gone to the outbox and the outbox is empty.
    func waitUntilNewsIsSent(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let done = try await withStore { store in
                let announced = try await store.unfinishedAnnouncements().isEmpty
                let queued = try await store.pendingEmailCount()
                return announced && queued == 0
            }
            if done { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("announcements or emails still waiting after \(timeout)")
    }
}

extension Browser {
    /// Signs the petition at `slug`, confirms through the emailed link and waits for the receipt.
    func signAndConfirm(
        email: String, on slug: String, name: String = "Amal Haddad", country: String = "SY", showName: Bool = false, updates: Bool = false
    ) async throws {
        let signed = try await sign(name: name, email: email, country: country, showName: showName, updates: updates, slug: slug)
        #expect(signed.status == .seeOther)
        let link = try #require(try await mailbox.waitForMessages(to: email).first?.confirmationPath)
        #expect(try await confirm(link).status == .seeOther)
        _ = try await mailbox.waitForMessages(to: email, count: 2)
    }

    /// Withdraws through the link of the receipt emailed to `email`.
    func withdraw(email: String) async throws {
        let link = try #require(mailbox.messages(to: email).compactMap(\.withdrawalPath).last)
        #expect(try await confirm(link).status == .seeOther)
    }
}
