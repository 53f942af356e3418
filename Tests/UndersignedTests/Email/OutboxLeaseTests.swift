import Foundation
import Logging
import Testing

@testable import Undersigned

/// A message handed to a transport: by which worker, when.
struct Sending: Sendable {
    var worker: String
    var id: UUID
    var at: Date
}

/// A transport that takes its time over each message and notes who sent what, when.
final class SlowTransport: MailTransport {
    let name: String
    let delay: Duration
    let log: Locked<[Sending]>
    /// Done as each message starts.
    let starting: @Sendable (EmailMessage) async throws -> Void

    init(
        name: String, delay: Duration, log: Locked<[Sending]>,
        starting: @escaping @Sendable (EmailMessage) async throws -> Void = { _ in }
    ) {
        self.name = name
        self.delay = delay
        self.log = log
        self.starting = starting
    }

    func send(_ message: EmailMessage) async throws {
        try await starting(message)
        try await Task.sleep(for: delay)
        log.withLock { $0.append(Sending(worker: name, id: message.id, at: Date())) }
    }
}

/// The outbox store of an instance that can be killed: once it is, nothing the instance
/// does reaches the database any more, as when its process is gone. It counts the emails
/// claimed through it, and those it deleted as sent.
final class KillableOutbox: OutboxStore {
    private let store: any OutboxStore
    private let killed = Locked(false)
    let claimed = Locked(0)
    /// The ids of each claim, in turn.
    let claims = Locked<[[UUID]]>([])
    let markedSent = Locked(0)
    /// The renewals asked for, each of a batch.
    let renewals = Locked(0)
    /// The sizes of the deletes of emails sent, one by one.
    let sentDeletes = Locked<[Int]>([])

    init(_ store: any OutboxStore) {
        self.store = store
    }

    func kill() { killed.withLock { $0 = true } }

    struct Dead: Error {}

    private func alive() throws {
        if killed.value { throw Dead() }
    }

    func claimDueEmails(limit: Int, now: Date, leaseUntil: Date) async throws -> [ClaimedEmail] {
        try alive()
        let emails = try await store.claimDueEmails(limit: limit, now: now, leaseUntil: leaseUntil)
        claimed.withLock { $0 += emails.count }
        claims.withLock { $0.append(emails.map(\.id)) }
        return emails
    }
    /// Whether `count` emails were claimed through it within a few seconds.
    func waitUntilClaimed(_ count: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while claimed.value < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        return claimed.value == count
    }
    func renewLease(_ ids: [UUID], heldUntil: Date, until: Date) async throws -> Set<UUID> {
        try alive()
        renewals.withLock { $0 += 1 }
        return try await store.renewLease(ids, heldUntil: heldUntil, until: until)
    }
    func markSent(_ ids: [UUID]) async throws {
        try alive()
        try await store.markSent(ids)
        markedSent.withLock { $0 += ids.count }
        sentDeletes.withLock { $0.append(ids.count) }
    }
    func markFailed(_ id: UUID, attempt: DeliveryAttempt, retryAt: Date) async throws {
        try alive()
        try await store.markFailed(id, attempt: attempt, retryAt: retryAt)
    }
    func markUndeliverable(_ id: UUID, attempt: DeliveryAttempt) async throws {
        try alive()
        try await store.markUndeliverable(id, attempt: attempt)
    }
    func pendingEmailCount() async throws -> Int { try await store.pendingEmailCount() }
    func outboxStatus() async throws -> OutboxStatus { try await store.outboxStatus() }
    func outboxEntries(limit: Int) async throws -> [OutboxEntry] { try await store.outboxEntries(limit: limit) }
    func deleteUndeliverable(before cutoff: Date) async throws -> Int {
        try await store.deleteUndeliverable(before: cutoff)
    }
}

@Suite("Outbox leases")
struct OutboxLeaseTests {
    /// Long enough that a renewal every third of it is not missed on a busy machine.
    static let lease = Duration.seconds(3)

    @Test(
        "what a dead worker claimed goes out through another within one lease, not before", arguments: TestDatabase.all)
    func deadWorker(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let ids = try await Self.enqueue(5, in: store)
            let sent = Locked<[Sending]>([])
            let doomed = KillableOutbox(store.database)
            // Its complaints that the database is gone are expected: not logged.
            var quiet = Logger(label: "undersigned.tests.dying")
            quiet.logLevel = .critical
            let dying = OutboxWorker(
                store: doomed, transport: SlowTransport(name: "dying", delay: .seconds(3600), log: sent),
                sealer: store.sealer, logger: quiet,
                lease: Self.lease)
            let claimedAt = Date()
            let stuck = Task { await dying.drain() }
            defer { stuck.cancel() }
            // Claimed, at work, then killed: it will neither send, renew nor record anything.
            try await Self.waitUntilClaimed(store)
            doomed.kill()

            let survivor = OutboxWorker(
                store: store.database, transport: SlowTransport(name: "survivor", delay: .zero, log: sent),
                sealer: store.sealer,
                logger: TestDatabase.logger, pollInterval: .milliseconds(100), lease: Self.lease)
            try await running(survivor) { _ in
                let deadline = ContinuousClock.now + .seconds(30)
                while try await store.database.pendingEmailCount() > 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(Set(sent.value.map { $0.id }) == Set(ids))
            #expect(sent.value.allSatisfy { $0.worker == "survivor" })
            // Not while the dead worker's lease ran, and soon after it ended.
            let delays = sent.value.map { $0.at.timeIntervalSince(claimedAt) }
            #expect(delays.allSatisfy { $0 >= Self.lease.timeInterval }, "\(delays)")
            // Seconds, not the minutes of an unrenewed lease; generous for a loaded machine.
            #expect(delays.allSatisfy { $0 < Self.lease.timeInterval + 10 }, "\(delays)")
        }
    }

    @Test(
        "a live worker renews its lease, and another never takes its messages however long it sends",
        arguments: TestDatabase.all)
    func liveWorker(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let ids = try await Self.enqueue(6, in: store)
            let sent = Locked<[Sending]>([])
            // Six messages of one and a half seconds each, one at a time: three leases' worth.
            let slow = OutboxWorker(
                store: store.database, transport: SlowTransport(name: "slow", delay: .milliseconds(1500), log: sent),
                sealer: store.sealer,
                logger: TestDatabase.logger, lease: Self.lease)
            let busy = Task { await slow.drain() }
            try await Self.waitUntilClaimed(store)
            let other = OutboxWorker(
                store: store.database, transport: SlowTransport(name: "other", delay: .zero, log: sent),
                sealer: store.sealer,
                logger: TestDatabase.logger, pollInterval: .milliseconds(100), lease: Self.lease)
            try await running(other) { _ in await busy.value }
            #expect(
                sent.value.map { $0.id }.sorted { $0.uuidString < $1.uuidString }
                    == ids.sorted { $0.uuidString < $1.uuidString })
            #expect(sent.value.allSatisfy { $0.worker == "slow" })
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "an email whose row goes while its batch is being sent is not sent: the next renewal of the lease finds it gone",
        arguments: TestDatabase.all)
    func deletedWhileSending(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let ids = try await Self.enqueue(4, in: store)
            let sent = Locked<[Sending]>([])
            let deleted = Locked<UUID?>(nil)
            // One message at a time, each taking more than twice a renewal's interval (a third
            // of the lease), so that a renewal comes between the first and the second however
            // busy the machine. While the first goes, the row of another is deleted, as an
            // unsubscribe or an erasure deletes the news queued for a signer.
            let transport = SlowTransport(name: "slow", delay: .milliseconds(2400), log: sent) { message in
                guard deleted.value == nil, let other = ids.first(where: { $0 != message.id }) else { return }
                deleted.withLock { $0 = other }
                try await SealedRowBindingTests.execute(store, "DELETE FROM outbox WHERE id = '\(other.text)'")
            }
            let slow = OutboxWorker(
                store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                lease: Self.lease)
            await slow.drain()
            let gone = try #require(deleted.value)
            #expect(Set(sent.value.map(\.id)) == Set(ids).subtracting([gone]))
            #expect(sent.value.count == 3)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "through a backlog, the next batch is claimed while the one before goes out, and every email goes once",
        arguments: TestDatabase.all)
    func claimedAhead(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let batch = OutboxWorker.batchSize
            let ids = try await Self.enqueue(2 * batch + 5, in: store)
            let outbox = KillableOutbox(store.database)
            let sent = Locked<[Sending]>([])
            let overlapped = Locked(false)
            // The first message waits for the second batch's claim: without a claim ahead it
            // would wait in vain, the claim coming only after its batch.
            let transport = SlowTransport(name: "worker", delay: .zero, log: sent) { _ in
                guard sent.value.isEmpty, !overlapped.value else { return }
                let claimedAhead = try await outbox.waitUntilClaimed(2 * batch)
                overlapped.withLock { $0 = claimedAhead }
            }
            let worker = OutboxWorker(
                store: outbox, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                lease: Self.lease)
            await worker.drain()
            #expect(overlapped.value)
            #expect(sent.value.map(\.id).sorted { $0.text < $1.text } == ids.sorted { $0.text < $1.text })
            #expect(outbox.claimed.value == ids.count)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "an email claimed ahead whose row goes before its turn is not sent: its lease is renewed first",
        arguments: TestDatabase.all)
    func claimedAheadThenDeleted(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let batch = OutboxWorker.batchSize
            let ids = try await Self.enqueue(batch + 2, in: store)
            let outbox = KillableOutbox(store.database)
            let sent = Locked<[Sending]>([])
            let (started, deleted) = (Locked(false), Locked<UUID?>(nil))
            // As the first batch starts, once the rest is claimed ahead, one of the rest is
            // deleted from the outbox, as an erasure deletes it; the first batch then takes
            // longer than an email claimed ahead may wait unchecked.
            let transport = SlowTransport(name: "worker", delay: .zero, log: sent) { _ in
                guard !started.value else { return }
                started.withLock { $0 = true }
                guard try await outbox.waitUntilClaimed(ids.count),
                    let gone = outbox.claims.value.dropFirst().first?.first
                else { return }
                deleted.withLock { $0 = gone }
                try await SealedRowBindingTests.execute(store, "DELETE FROM outbox WHERE id = '\(gone.text)'")
                try await Task.sleep(for: .seconds(OutboxHandover.checkedAfter + 0.2))
            }
            let worker = OutboxWorker(
                store: outbox, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                lease: Self.lease)
            await worker.drain()
            let gone = try #require(deleted.value)
            #expect(outbox.claimed.value == ids.count)
            #expect(outbox.renewals.value >= 1)
            #expect(!sent.value.contains { $0.id == gone })
            #expect(Set(sent.value.map(\.id)).count == ids.count - 1)
            #expect(sent.value.count == ids.count - 1)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test("a renewal moves only the leases still held as the worker left them", arguments: TestDatabase.all)
    func renewal(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let ids = try await Self.enqueue(2, in: store)
            let now = Date()
            let held = now.addingTimeInterval(20)
            _ = try await store.database.claimDueEmails(limit: 10, now: now, leaseUntil: held)
            let attempt = DeliveryAttempt(number: 1, at: now, outcome: .retry, replyCode: 451, detail: "try later")
            try await store.database.markFailed(ids[0], attempt: attempt, retryAt: now.addingTimeInterval(5))
            #expect(
                try await store.database.renewLease(ids, heldUntil: held, until: now.addingTimeInterval(40)) == [ids[1]]
            )
            let entries = Dictionary(
                uniqueKeysWithValues: try await store.database.outboxEntries(limit: 10).map {
                    ($0.id, $0.nextAttemptAt.millis)
                })
            #expect(entries[ids[0]] == now.addingTimeInterval(5).millis)
            #expect(entries[ids[1]] == now.addingTimeInterval(40).millis)
            // A renewal from a lease that is no longer held changes nothing.
            #expect(
                try await store.database.renewLease(ids, heldUntil: held, until: now.addingTimeInterval(60)).isEmpty)
            #expect(
                try await store.database.outboxEntries(limit: 10).first { $0.id == ids[1] }?.nextAttemptAt.millis
                    == now.addingTimeInterval(40).millis)
        }
    }

    /// Waits until a worker has claimed every queued message.
    static func waitUntilClaimed(_ store: TestStore) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await store.database.outboxEntries(limit: 100).contains(where: { $0.attempts == 0 }) {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Queues `count` confirmation emails; returns their ids.
    static func enqueue(_ count: Int, in store: TestStore) async throws -> [UUID] {
        let emails = try (0..<count).map { try store.queuedEmail(to: "lease\($0)@example.org") }
        try await store.database.write { transaction in try await transaction.enqueue(emails) }
        return emails.map(\.id)
    }
}
