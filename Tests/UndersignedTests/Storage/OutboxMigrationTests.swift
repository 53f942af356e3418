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

    @Test(
        "the attempts stored before migration 30 are each email's history after it, in order, and later ones add to it",
        arguments: TestDatabase.all)
    func attemptsIntoRows(database: TestDatabase) async throws {
        let (failing, quiet) = (UUID(), UUID())
        try await database.withEmptyStore { store in
            try await store.migrate(before: 30)
            try await store.driver.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO outbox (id, sealed_message, created_at, next_attempt_at, attempts)
                    VALUES (\(bind: failing.text), \(bind: Data([1])), 0, 0, 2), (\(bind: quiet.text), \(bind: Data([2])), 1, 0, 0)
                    """
                ).run()
                try await db.raw(
                    """
                    INSERT INTO outbox_attempts (outbox_id, attempt, attempted_at, outcome, reply_code, detail)
                    VALUES (\(bind: failing.text), 2, 2000, 'retry', NULL, 'the server closed the connection'),
                           (\(bind: failing.text), 1, 1000, 'retry', 451, 'try "later"')
                    """
                ).run()
            }
            try await store.migrate()
            let migrated = try await store.outboxEntries(limit: 10)
            #expect(migrated.map(\.id) == [failing, quiet])
            #expect(
                migrated.first?.history == [
                    DeliveryAttempt(
                        number: 1, at: Date(millis: 1000), outcome: .retry, replyCode: 451, detail: "try \"later\""),
                    DeliveryAttempt(
                        number: 2, at: Date(millis: 2000), outcome: .retry, replyCode: nil,
                        detail: "the server closed the connection"),
                ])
            #expect(migrated.last?.history == [])

            let third = DeliveryAttempt(
                number: 3, at: Date(millis: 3000), outcome: .failed, replyCode: 550, detail: "no")
            try await store.markUndeliverable(failing, attempt: third)
            // A second record under a number already recorded leaves the first.
            try await store.markFailed(
                failing,
                attempt: DeliveryAttempt(number: 3, at: Date(), outcome: .retry, replyCode: nil, detail: "late"),
                retryAt: Date())
            let history = try await store.outboxEntries(limit: 10).first?.history
            #expect(history?.map(\.number) == [1, 2, 3])
            #expect(history?.last == third)
        }
    }
}
