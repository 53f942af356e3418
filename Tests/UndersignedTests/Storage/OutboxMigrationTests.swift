import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("Outbox migration")
struct OutboxMigrationTests {
    @Test("messages queued before migration 4 stay queued and are sent after it", arguments: TestDatabase.all)
    func upgrade(database: TestDatabase) async throws {
        let id = UUID()
        try await database.withEmptyStore { store in
            // The schema as version 3 left it, with one message waiting.
            try await store.migrate(before: 4)
            try await store.driver.transaction { db in
                try await db.raw(
                    "INSERT INTO outbox (id, sealed_message, created_at, next_attempt_at, attempts) VALUES (\(bind: id.text), \(bind: Data([1, 2, 3])), 0, 0, 2)"
                ).run()
            }
            try await store.migrate()
            #expect(try await store.appliedMigrations().contains(4))
            let entries = try await store.outboxEntries(limit: 10)
            #expect(entries.map(\.id) == [id])
            #expect(entries.map(\.state) == [.queued])
            #expect(entries.first?.history.isEmpty == true)
            let claimed = try await store.claimDueEmails(
                limit: 10, now: Date(), leaseUntil: Date().addingTimeInterval(60))
            #expect(claimed.map(\.attempts) == [3])
        }
    }

    @Test(
        "a receipt and a sealed message queued before migration 28 are claimed after it as they were queued",
        arguments: TestDatabase.all)
    func receiptsBeforeSignerEmails(database: TestDatabase) async throws {
        let (receipt, signature, petition, other) = (UUID(), UUID(), UUID(), UUID())
        try await database.withEmptyStore { store in
            try await store.migrate(before: 28)
            try await store.driver.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO outbox (id, sealed_message, created_at, next_attempt_at, attempts, receipt_signature_id, receipt_petition_id)
                    VALUES (\(bind: receipt.text), \(bind: Data([1, 2, 3])), 0, 0, 0, \(bind: signature.text), \(bind: petition.text)),
                           (\(bind: other.text), \(bind: Data([4, 5, 6])), 0, 0, 0, NULL, NULL)
                    """
                ).run()
            }
            try await store.migrate()
            let claimed = try await store.claimDueEmails(
                limit: 10, now: Date(), leaseUntil: Date().addingTimeInterval(60))
            let byID = Dictionary(uniqueKeysWithValues: claimed.map { ($0.id, $0) })
            #expect(byID.count == 2)
            #expect(
                byID[receipt]?.signerEmail == QueuedSignerEmail(.receipt, signatureID: signature, petitionID: petition))
            #expect(byID[receipt]?.sealedMessage == [1, 2, 3])
            #expect(byID[other]?.signerEmail == nil)
            #expect(byID[other]?.sealedMessage == [4, 5, 6])
        }
    }
}
