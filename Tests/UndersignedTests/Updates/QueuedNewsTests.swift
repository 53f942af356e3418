import Foundation
import SQLKit
import Testing

@testable import Undersigned

/// News (an organizer's update, a target's response) waits in the outbox while a large
/// petition's signers are emailed a page at a time, behind a slow or failing mail server for
/// hours at worst. A signer who leaves meanwhile must not get it, and it must not keep their
/// name and address.
@Suite("News still queued")
struct QueuedNewsTests {
    enum Ending: String, CaseIterable, Sendable {
        case withdrawn, invalidated, unsubscribed, purgedAfterDelivery
    }

    @Test(
        "news still queued for a signer who withdraws, is invalidated, unsubscribes or is purged is dropped, and the others' goes",
        arguments: TestDatabase.all, Ending.allCases)
    func dropped(database: TestDatabase, ending: Ending) async throws {
        try await TestStore.with(database) { store in
            let setup = SignerEmailWriterTests.Setup(store, petitions: { _ in store.petition })
            let staying = try store.job(email: "stays@other.example", wantsUpdates: true)
            let leaving = try store.job(email: "leaves@example.org", wantsUpdates: true)
            let announcements = AnnouncementWorker(
                store: store.database, petitions: { _ in store.petition }, mailer: setup.mailer,
                logger: TestDatabase.logger)
            try await running(setup.writer) { _ in
                for job in [staying, leaving] { _ = try await setup.writer.sign(job) }
                for job in [staying, leaving] { _ = try await setup.writer.confirm(signatureID: job.signature.id) }
                // The receipts. The confirmation requests, claimed once their signatures are
                // confirmed, are dropped unsent.
                await setup.worker.drain()
                #expect(setup.transport.delivered.value.count == 2)

                let announcement = Announcement(
                    petitionID: store.petition.id, lead: .update(organizer: store.petition.organizer),
                    subject: "We met the minister", body: "She listened.", createdAt: Date())
                let sql = try #require(store.database as? SQLStore)
                try await sql.driver.transaction { try await SQLStore.insert(announcement, updateID: nil, in: $0) }
                try await announcements.sendAll()
                #expect(
                    Set(try await Self.queuedNews(store)) == [staying.signature.id.text, leaving.signature.id.text])

                if ending == .withdrawn {
                    let withdrawn = try await setup.writer.withdraw(signatureID: leaving.signature.id)
                    #expect(withdrawn == .withdrawn(petitionID: store.petition.id))
                }
            }
            switch ending {
            case .withdrawn:
                break
            case .invalidated:
                #expect(try await store.invalidateRecent(domain: "example.org") == 1)
            case .unsubscribed:
                #expect(try await store.database.unsubscribe(signatureID: leaving.signature.id))
            case .purgedAfterDelivery:
                #expect(try await store.purgeAsDeliveredLongAgo() == 2)
            }

            let expected = ending == .purgedAfterDelivery ? [] : [staying.signature.id.text]
            #expect(try await Self.queuedNews(store) == expected)
            await setup.worker.drain()
            let news = setup.transport.delivered.value.dropFirst(2)
            #expect(news.map(\.to) == (ending == .purgedAfterDelivery ? [] : ["stays@other.example"]))
            #expect(news.allSatisfy { $0.subject.hasPrefix("We met the minister") })
            #expect(try await store.database.outboxEntries(limit: 10).isEmpty)
        }
    }

    /// The signatures whose news waits in the outbox.
    static func queuedNews(_ store: TestStore) async throws -> [String] {
        let sql = try #require(store.database as? SQLStore)
        return try await sql.driver.read { db in
            try await db.raw("SELECT news_signature_id FROM outbox WHERE news_signature_id IS NOT NULL").all().map {
                try $0.decode(column: "news_signature_id", as: String.self)
            }
        }
    }
}
