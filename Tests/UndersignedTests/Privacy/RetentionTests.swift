import Foundation
import Testing

@testable import Undersigned

@Suite("Retention")
struct RetentionTests {
    @Test("unconfirmed signatures are deleted once a week old; confirmed ones stay", arguments: TestDatabase.all)
    func purgeUnconfirmed(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let writer = store.writer()
            let pending = try store.job(email: "pending@example.org")
            let confirmed = try store.job(email: "confirmed@example.org")
            let alsoPending = try store.job(email: "also-pending@example.org")
            try await running(writer) { _ in
                for job in [pending, confirmed, alsoPending] { _ = try await writer.sign(job) }
                _ = try await writer.confirm(signatureID: confirmed.signature.id)
            }
            let purge = Purge(signatures: store.database)
            // Six days on, nothing is old enough.
            #expect(try await purge.run(now: Date().addingTimeInterval(6 * 24 * 3600)).unconfirmedSignaturesDeleted == 0)
            #expect(try await store.database.signature(id: alsoPending.signature.id)?.state == .pending)
            // Eight days on, both pending signatures go; the confirmed one stays, and so does the count.
            #expect(try await purge.run(now: Date().addingTimeInterval(8 * 24 * 3600)).unconfirmedSignaturesDeleted == 2)
            #expect(try await store.database.signature(id: pending.signature.id) == nil)
            #expect(try await store.database.signature(id: alsoPending.signature.id) == nil)
            #expect(try await store.database.signature(id: confirmed.signature.id)?.state == .confirmed)
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 1)
        }
    }

    @Test("an unconfirmed signature's link stops working once it is purged", arguments: TestDatabase.all)
    func purgedLinkIsInvalid(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.sign(email: "forgotten@example.org")
            let link = try #require(try await browser.mailbox.waitForMessages(to: "forgotten@example.org").first?.confirmationPath)
            let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            try await withServices(of: store) {
                let result = try await Purge(signatures: store).run(now: Date().addingTimeInterval(8 * 24 * 3600))
                #expect(result.unconfirmedSignaturesDeleted == 1)
            }
            let page = try await browser.get(link)
            #expect(page.status == .notFound)
            #expect(page.body.contains("unconfirmed signatures are deleted after 7 days"))
        }
    }
}
