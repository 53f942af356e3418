import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("New signatures stored at once with their emails")
struct NewSignatureInsertTests {
    @Test(
        "only PostgreSQL's store offers the one-statement insert; without it a batch of new signatures goes through one transaction",
        arguments: TestDatabase.all)
    func oneStatementOnPostgres(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let sql = try #require(store.database as? SQLStore)
            #expect(store.database.insertsNewAtOnce == (database == .postgres))
            // Behind a driver that only counts, the same batch goes through a transaction.
            let counted = ScanConnectionTests.CountingDriver(sql.driver)
            let watched = SQLStore(driver: counted)
            #expect(!watched.insertsNewAtOnce)
            let signature = try store.job(email: "counted@example.org").signature
            #expect(try await watched.insertNew([signature], queueing: OutgoingEmails()) == [signature.id])
            #expect(counted.calls.value == ["transaction"])
            #expect(try await store.database.signature(id: signature.id)?.id == signature.id)
        }
    }

    @Test(
        "each new signature is stored with its own email, leased or for any worker; an address that signed has neither",
        arguments: TestDatabase.all)
    func emailsOnlyBesideInserted(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let sql = try #require(store.database as? SQLStore)
            let mailer = store.mailer()
            let earlier = try store.job(email: "earlier@example.org").signature
            #expect(
                try await store.database.insertNew([earlier], queueing: OutgoingEmails()) == [
                    earlier.id
                ])

            // The second address twice in one batch: the first of the two is stored.
            let jobs = try ["earlier", "second", "third", "second"].map { try store.job(email: "\($0)@example.org") }
            let signatures = jobs.map(\.signature)
            let requests = jobs.map { mailer.queuedConfirmationRequest(for: $0.signature, signer: $0.signer) }
            let leaseUntil = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 600).rounded())
            let emails = OutgoingEmails(
                claimable: Array(requests.dropFirst(2)), leased: Array(requests.prefix(2)), leaseUntil: leaseUntil)
            let inserted = try await store.database.insertNew(signatures, queueing: emails)

            #expect(inserted == [signatures[1].id, signatures[2].id])
            let rows = try await sql.driver.read { db in
                try await db.raw("SELECT id, attempts, next_attempt_at, confirmation_signature_id FROM outbox").all()
            }
            var queued: [UUID: (attempts: Int, nextAttemptAt: Int64, signatureID: String)] = [:]
            for row in rows {
                queued[try UUID(text: row.decode(column: "id", as: String.self))] = (
                    try row.decode(column: "attempts", as: Int.self),
                    try row.decode(column: "next_attempt_at", as: Int64.self),
                    try row.decode(column: "confirmation_signature_id", as: String.self)
                )
            }
            #expect(Set(queued.keys) == [requests[1].id, requests[2].id])
            // The leased one as the outbox's claim would leave it: its first attempt counted.
            let leased = try #require(queued[requests[1].id])
            #expect(leased.signatureID == signatures[1].id.text)
            #expect(leased.attempts == 1)
            #expect(leased.nextAttemptAt == leaseUntil.millis)
            let claimable = try #require(queued[requests[2].id])
            #expect(claimable.signatureID == signatures[2].id.text)
            #expect(claimable.attempts == 0)
            #expect(claimable.nextAttemptAt == requests[2].createdAt.millis)
            #expect(try await store.database.signature(id: signatures[0].id) == nil)
            #expect(try await store.database.signature(id: signatures[3].id) == nil)
        }
    }

    @Test(
        "the rows of emails sent are deleted by the insert, run after run, and by one that stores no signature",
        arguments: TestDatabase.all)
    func sentDeletedBesideInsert(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let sql = try #require(store.database as? SQLStore)
            let mailer = store.mailer()
            let queued = {
                try await sql.driver.read { db in
                    Set(
                        try await db.raw("SELECT id FROM outbox").all().map {
                            try UUID(text: $0.decode(column: "id", as: String.self))
                        })
                }
            }
            // More runs than PostgreSQL plans a prepared statement anew before it may keep one plan.
            var sent: [UUID] = []
            for run in 0..<8 {
                let job = try store.job(email: "run\(run)@example.org")
                let signature = job.signature
                let request = mailer.queuedConfirmationRequest(for: signature, signer: job.signer)
                let inserted = try await store.database.insertNew(
                    [signature], queueing: OutgoingEmails(claimable: [request], sent: sent))
                #expect(inserted == [signature.id])
                #expect(try await queued() == [request.id])
                sent = [request.id]
            }
            let again = try store.job(email: "run7@example.org")
            let inserted = try await store.database.insertNew(
                [again.signature],
                queueing: OutgoingEmails(
                    claimable: [mailer.queuedConfirmationRequest(for: again.signature, signer: again.signer)],
                    sent: sent))
            #expect(inserted.isEmpty)
            #expect(try await queued().isEmpty)
        }
    }
}
