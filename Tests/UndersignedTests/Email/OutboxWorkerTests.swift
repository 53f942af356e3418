import Foundation
import NIOPosix
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

/// A transport that blocks the thread it sends on, with a thread of its own; notes on which
/// thread each message went, and whether two ever went at once.
final class BlockingTransport: MailTransport {
    private let pool: NIOThreadPool
    private let thread: ThreadPoolTaskExecutor
    let threads = Locked<[pthread_t]>([])
    private let sending = Locked(0)
    let overlapped = Locked(false)

    init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        thread = ThreadPoolTaskExecutor(pool)
    }

    var executor: (any TaskExecutor)? { thread }
    var parallelism: Int { 4 }

    func send(_ message: EmailMessage) async throws {
        if sending.withLock({
            $0 += 1
            return $0
        }) > 1 {
            overlapped.withLock { $0 = true }
        }
        threads.withLock { $0.append(pthread_self()) }
        usleep(2_000)
        sending.withLock { $0 -= 1 }
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}

@Suite("The outbox")
struct OutboxWorkerTests {
    @Test("a transport that blocks its thread is sent through on that thread alone, one message after another")
    func blockingTransport() async throws {
        try await TestStore.with(.sqlite) { store in
            let emails = try (0..<6).map { try store.queuedEmail(to: "blocking\($0)@example.org") }
            try await store.database.write { transaction in try await transaction.enqueue(emails) }
            let transport = BlockingTransport()
            let worker = OutboxWorker(
                store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger)
            await worker.drain()
            await transport.shutdown()
            let threads = transport.threads.value
            #expect(threads.count == 6)
            #expect(Set(threads).count == 1)
            // Not the thread that asked for the drain: one of those that run everything else.
            #expect(threads.first.map { pthread_equal($0, pthread_self()) == 0 } == true)
            #expect(!transport.overlapped.value)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test("messages that fail are retried until they go, then deleted", arguments: TestDatabase.all)
    func retries(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let mailer = store.mailer()
            let messages = try (0..<5).map { index in
                try mailer.alreadySigned(
                    request: SignatureRequest(
                        name: "N\(index)", email: EmailAddress("retry\(index)@example.org")!, country: "FR",
                        showNamePublicly: false,
                        wantsUpdates: false),
                    petition: store.petition)
            }
            try await store.database.write { transaction in try await transaction.enqueue(messages) }
            let transport = FlakyTransport(failures: 2)
            let worker = OutboxWorker(
                store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                policy: .immediate)
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
                request: SignatureRequest(
                    name: "N", email: EmailAddress("lease@example.org")!, country: "FR", showNamePublicly: false,
                    wantsUpdates: false),
                petition: store.petition)
            try await store.database.write { transaction in try await transaction.enqueue([email]) }
            let now = Date()
            let first = try await store.database.claimDueEmails(
                limit: 10, now: now, leaseUntil: now.addingTimeInterval(60))
            let second = try await store.database.claimDueEmails(
                limit: 10, now: now, leaseUntil: now.addingTimeInterval(60))
            #expect(first.count == 1)
            #expect(first.first?.attempts == 1)
            #expect(second.isEmpty)
            // A worker that died leaves the message to be claimed again after the lease.
            let later = try await store.database.claimDueEmails(
                limit: 10, now: now.addingTimeInterval(61), leaseUntil: now.addingTimeInterval(120))
            #expect(later.count == 1)
            #expect(later.first?.attempts == 2)
        }
    }

    @Test("backoff grows, has jitter and stays bounded")
    func backoff() {
        #expect((4...6).contains(RetryPolicy.backoff(attempts: 1)))
        #expect(RetryPolicy.backoff(attempts: 3) > RetryPolicy.backoff(attempts: 1))
        #expect(RetryPolicy.backoff(attempts: 40) <= 3600 * 1.2)
        #expect(RetryPolicy.backoff(attempts: Int.max) <= 3600 * 1.2)
        #expect(Set((0..<20).map { _ in RetryPolicy.backoff(attempts: 5) }).count > 1)
    }

    @Test(
        "after the maximum attempts a message is given up on, kept with its history, then deleted",
        arguments: TestDatabase.all)
    func givesUp(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let email = try store.queuedEmail(to: "never@example.org")
            try await store.database.write { transaction in try await transaction.enqueue([email]) }
            var policy = RetryPolicy.immediate
            policy.maximumAttempts = 3
            let worker = OutboxWorker(
                store: store.database, transport: FlakyTransport(failures: 10), sealer: store.sealer,
                logger: TestDatabase.logger, policy: policy)
            for _ in 0..<5 { await worker.drain() }
            let entries = try await store.database.outboxEntries(limit: 10)
            #expect(entries.map(\.state) == [.failed])
            #expect(entries.first?.attempts == 3)
            #expect(entries.first?.history.map(\.outcome) == [.retry, .retry, .failed])
            #expect(entries.first?.history.map(\.detail) == ["Unreachable", "Unreachable", "Unreachable"])
            // Kept without its content: the signer's name and address are not.
            let sql = try #require(store.database as? SQLStore)
            let sealed = try await sql.driver.read { db in
                try await db.raw("SELECT sealed_message FROM outbox").all().map {
                    try $0.decode(column: "sealed_message", as: Data.self)
                }
            }
            #expect(sealed == [Data()])
            #expect(try await store.database.pendingEmailCount() == 0)
            #expect(try await store.database.outboxStatus() == OutboxStatus(queued: 0, failed: 1, oldestQueuedAt: nil))
            #expect(try await store.database.deleteUndeliverable(before: Date().addingTimeInterval(-60)) == 0)
            #expect(try await store.database.deleteUndeliverable(before: Date().addingTimeInterval(60)) == 1)
            #expect(try await store.database.outboxEntries(limit: 10).isEmpty)
        }
    }

    @Test("a message older than the maximum age is given up on at its next failure", arguments: TestDatabase.all)
    func tooOld(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            var email = try store.queuedEmail(to: "old@example.org")
            email.createdAt = Date().addingTimeInterval(-3 * 24 * 3600)
            try await store.database.write { [email] transaction in try await transaction.enqueue([email]) }
            let worker = OutboxWorker(
                store: store.database, transport: FlakyTransport(failures: 10), sealer: store.sealer,
                logger: TestDatabase.logger,
                policy: .immediate)
            await worker.drain()
            #expect(try await store.database.outboxEntries(limit: 10).map(\.state) == [.failed])
        }
    }
}

extension RetryPolicy {
    /// Retries at once: tests drain again instead of waiting.
    static let immediate = RetryPolicy(
        maximumAge: 2 * 24 * 3600, maximumAttempts: 40, keepUndeliverable: 3600, backoff: { _ in 0 })
}
