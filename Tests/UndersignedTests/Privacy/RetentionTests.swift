import Foundation
import SQLKit
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
            let purge = Purge(
                signatures: store.database, policy: RetentionPolicy(personalDataAfterDelivery: .seconds(30 * 24 * 3600))
            )
            // Six days on, nothing is old enough.
            #expect(
                try await purge.run(now: Date().addingTimeInterval(6 * 24 * 3600)).unconfirmedSignaturesDeleted == 0)
            #expect(try await store.database.signature(id: alsoPending.signature.id)?.state == .pending)
            // Eight days on, both pending signatures go; the confirmed one stays, and so does the count.
            #expect(
                try await purge.run(now: Date().addingTimeInterval(8 * 24 * 3600)).unconfirmedSignaturesDeleted == 2)
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
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "forgotten@example.org").first?.confirmationPath)
            let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            try await withServices(of: store) {
                let result = try await Purge(signatures: store, policy: RetentionPolicy(settings: instance.settings))
                    .run(now: Date().addingTimeInterval(8 * 24 * 3600))
                #expect(result.unconfirmedSignaturesDeleted == 1)
            }
            let page = try await browser.get(link)
            #expect(page.status == .notFound)
            #expect(page.body.contains("unconfirmed signatures are deleted after 7 days"))
        }
    }
}

@Suite("Retention after delivery")
struct DeliveredRetentionTests {
    @Test(
        "personal data of a delivered petition is erased after the retention period; counts stay",
        arguments: TestDatabase.all)
    func eraseAfterDelivery(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let writer = store.writer()
            let jobs = try (0..<3).map { try store.job(email: "signer\($0)@example.org") }
            try await running(writer) { _ in
                for job in jobs { _ = try await writer.sign(job) }
                for job in jobs.prefix(2) { _ = try await writer.confirm(signatureID: job.signature.id) }
            }
            let delivered = Date()
            // As the last target's delivery leaves it (see DeliveryTests); here only the date matters.
            let sql = try #require(store.database as? SQLStore)
            try await sql.driver.transaction { db in
                try await db.raw(
                    """
                    UPDATE petitions SET state = \(bind: PetitionState.delivered.rawValue), delivered_at = \(bind: delivered.millis)
                    WHERE id = \(bind: store.petition.id.text)
                    """
                ).run()
            }
            let purge = Purge(
                signatures: store.database, policy: RetentionPolicy(personalDataAfterDelivery: .seconds(30 * 24 * 3600))
            )
            let ids = jobs.map(\.signature.id)

            // Within the period only the unconfirmed signature goes, as it would anyway after a week.
            let early = try await purge.run(now: delivered.addingTimeInterval(29 * 24 * 3600))
            #expect(early == Purge.Result(unconfirmedSignaturesDeleted: 1, signaturesErasedAfterDelivery: 0))
            #expect(try await store.database.write { try await $0.sealedPersonalData(ids: ids) }.count == 2)

            let late = try await purge.run(now: delivered.addingTimeInterval(31 * 24 * 3600))
            #expect(late == Purge.Result(unconfirmedSignaturesDeleted: 0, signaturesErasedAfterDelivery: 2))
            #expect(try await store.database.write { try await $0.sealedPersonalData(ids: ids) }.isEmpty)
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 2)
            #expect(try await store.database.countryCounts(petitionID: store.petition.id) == ["FR": 2])
            #expect(try await store.database.signature(id: ids[0])?.state == .confirmed)
            // Nothing is left to erase the next time.
            #expect(
                try await purge.run(now: delivered.addingTimeInterval(32 * 24 * 3600)).signaturesErasedAfterDelivery
                    == 0)
        }
    }
}
