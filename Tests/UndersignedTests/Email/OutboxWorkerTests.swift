import Foundation
import Testing

@testable import Undersigned

/// A transport that fails a given number of times before it delivers.
final class FlakyTransport: MailTransport {
    let failures: Int
    private let attempts = Locked<[UUID: Int]>([:])
    let delivered = Locked<[EmailMessage]>([])

    init(failures: Int) {
        self.failures = failures
    }

    struct Unreachable: Error {}

    func send(_ message: EmailMessage) async throws {
        let attempt = attempts.withLock { attempts in
            attempts[message.id, default: 0] += 1
            return attempts[message.id]!
        }
        if attempt <= failures { throw Unreachable() }
        delivered.withLock { $0.append(message) }
    }
}

@Suite("The outbox")
struct OutboxWorkerTests {
    @Test("messages that fail are retried until they go, then deleted", arguments: TestDatabase.all)
    func retries(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let mailer = store.mailer()
            let messages = try (0..<5).map { index in
                try mailer.confirmationRequest(
                    signatureID: UUID(),
                    request: SignatureRequest(
                        name: "N\(index)", email: EmailAddress("retry\(index)@example.org")!, country: "FR", showNamePublicly: false,
                        wantsUpdates: false),
                    petition: store.petition)
            }
            try await store.database.write { transaction in try await transaction.enqueue(messages) }
            let transport = FlakyTransport(failures: 2)
            let worker = OutboxWorker(store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger, backoff: { _ in 0 })
            for _ in 0..<3 { await worker.drain() }
            #expect(transport.delivered.withLock { $0.count } == 5)
            #expect(Set(transport.delivered.withLock { $0.map(\.to) }) == Set((0..<5).map { "retry\($0)@example.org" }))
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test("a claimed message is hidden from other workers until its lease ends", arguments: TestDatabase.all)
    func leases(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let email = try store.mailer().alreadySigned(
                request: SignatureRequest(name: "N", email: EmailAddress("lease@example.org")!, country: "FR", showNamePublicly: false, wantsUpdates: false),
                petition: store.petition)
            try await store.database.write { transaction in try await transaction.enqueue([email]) }
            let now = Date()
            let first = try await store.database.claimDueEmails(limit: 10, now: now, leaseUntil: now.addingTimeInterval(60))
            let second = try await store.database.claimDueEmails(limit: 10, now: now, leaseUntil: now.addingTimeInterval(60))
            #expect(first.count == 1)
            #expect(first.first?.attempts == 1)
            #expect(second.isEmpty)
            // A worker that died leaves the message to be claimed again after the lease.
            let later = try await store.database.claimDueEmails(limit: 10, now: now.addingTimeInterval(61), leaseUntil: now.addingTimeInterval(120))
            #expect(later.count == 1)
            #expect(later.first?.attempts == 2)
        }
    }

    @Test("backoff grows and stays bounded")
    func backoff() {
        #expect((4...6).contains(OutboxWorker.backoff(attempts: 1)))
        #expect(OutboxWorker.backoff(attempts: 3) > OutboxWorker.backoff(attempts: 1))
        #expect(OutboxWorker.backoff(attempts: 40) <= 3600 * 1.2)
    }
}
