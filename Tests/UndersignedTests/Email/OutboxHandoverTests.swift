import Foundation
import Testing

@testable import Undersigned

@Suite("The outbox's hand-over")
struct OutboxHandoverTests {
    static let lease = Duration.seconds(20)

    /// A writer handing its emails over, at the clock's time.
    static func writer(_ store: TestStore, handover: OutboxHandover, clock: ManualClock) -> SignatureWriter {
        SignatureWriter(
            store: store.database, petitions: { _ in store.petition }, mailer: store.mailer(),
            receipts: store.receipts, counts: SignatureCounts(store: store.database), logger: TestDatabase.logger,
            clock: clock.wallClock, handover: handover)
    }

    /// A sealer whose keys open nothing that `store`'s sealer sealed.
    static func sealerOpeningNothing(_ store: TestStore) throws -> PersonalDataSealer {
        let masterKeys = try MasterKeys(text: MasterKeys.newKeyLine().line, source: "test")
        return PersonalDataSealer(
            keys: DataKeyRing(store: store.database, masterKeys: masterKeys, reloadMasterKeys: { masterKeys }))
    }

    /// A worker sending what `outbox` holds, the signers' emails written for `store`'s petition.
    static func worker(
        _ outbox: any OutboxStore, of store: TestStore, sent: Locked<[Sending]>, name: String,
        clock: ManualClock, handover: OutboxHandover? = nil, delay: Duration = .zero,
        pollInterval: Duration = .seconds(1)
    ) -> OutboxWorker {
        OutboxWorker(
            store: outbox, transport: SlowTransport(name: name, delay: delay, log: sent), sealer: store.sealer,
            logger: TestDatabase.logger, pollInterval: pollInterval, lease: lease, clock: clock.wallClock,
            handover: handover,
            signerEmails: SignerEmailWriter(mailer: store.mailer(), petitions: { _ in store.petition }))
    }

    /// Signs with `count` new addresses through a writer handing its emails over, then stops it.
    static func signed(
        _ count: Int, prefix: String, store: TestStore, capacity: Int = 512
    ) async throws -> (clock: ManualClock, handover: OutboxHandover) {
        let clock = ManualClock()
        let handover = OutboxHandover(capacity: capacity, lease: lease)
        let writer = writer(store, handover: handover, clock: clock)
        try await running(writer) { _ in try await sign(count, prefix: prefix, with: writer, store: store) }
        return (clock, handover)
    }

    /// Signs with `count` new addresses at once; returns the signatures' ids.
    static func sign(_ count: Int, prefix: String, with writer: SignatureWriter, store: TestStore) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                let job = try store.job(email: "\(prefix)\(index)@example.org")
                group.addTask { _ = try await writer.sign(job) }
            }
            try await group.waitForAll()
        }
    }

    @Test(
        "confirmation requests are queued leased to the instance and go out from memory, never claimed",
        arguments: TestDatabase.all)
    func handedOver(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let (clock, handover) = try await Self.signed(5, prefix: "handed", store: store)

            // Acknowledged, and already leased: another instance finds nothing to claim.
            let entries = try await store.database.outboxEntries(limit: 10)
            #expect(entries.count == 5)
            #expect(entries.allSatisfy { $0.attempts == 1 && $0.nextAttemptAt > clock.now }, "\(entries)")
            let sent = Locked<[Sending]>([])
            let other = Self.worker(store.database, of: store, sent: sent, name: "other", clock: clock)
            await other.drain()
            #expect(sent.value.isEmpty)

            let counting = KillableOutbox(store.database)
            let own = Self.worker(
                counting, of: store, sent: sent, name: "own", clock: clock, handover: handover)
            await own.drain()
            #expect(sent.value.count == 5)
            #expect(sent.value.allSatisfy { $0.worker == "own" })
            #expect(counting.claimed.value == 0)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "emails taken from the hand-over at once go out with no statement of their own: a worker whose database is unreachable still sends them",
        arguments: TestDatabase.all)
    func takenAtOnceWithoutStatements(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let (clock, handover) = try await Self.signed(3, prefix: "unread", store: store)
            let unreachable = KillableOutbox(store.database)
            unreachable.kill()
            let sent = Locked<[Sending]>([])
            let own = Self.worker(unreachable, of: store, sent: sent, name: "own", clock: clock, handover: handover)
            await own.drain()
            #expect(sent.value.count == 3)
            // Sent, their rows wait for a database that answers, as after a crash.
            #expect(try await store.database.pendingEmailCount() == 3)
        }
    }

    @Test(
        "emails that waited in the hand-over go out only if their rows still hold them: an invalidation made elsewhere reaches them",
        arguments: TestDatabase.all)
    func waitedThenInvalidated(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let clock = ManualClock()
            let handover = OutboxHandover(lease: Self.lease)
            let writer = Self.writer(store, handover: handover, clock: clock)
            let sent = Locked<[Sending]>([])
            let counting = KillableOutbox(store.database)
            let own = Self.worker(counting, of: store, sent: sent, name: "own", clock: clock, handover: handover)
            let kept = try store.job(email: "kept@example.org")
            let flooded = try store.job(email: "confirmed@flood.example")
            let late = try store.job(email: "pending@flood.example")
            try await running(writer) { _ in
                for job in [kept, flooded] { _ = try await writer.sign(job) }
                await own.drain()
                #expect(sent.value.count == 2)
                // Two receipts and a confirmation request wait in the hand-over.
                for job in [kept, flooded] { _ = try await writer.confirm(signatureID: job.signature.id) }
                _ = try await writer.sign(late)
            }
            // A moderator's invalidation, which deletes rows and knows nothing of the hand-over.
            #expect(try await store.invalidateRecent(domain: "flood.example") == 2)
            clock.advance(by: OutboxHandover.checkedAfter + 1)
            await own.drain()
            // Renewed before they went, and again each third of the lease if sending took that long.
            #expect(counting.renewals.value >= 1)
            #expect(sent.value.count == 3)
            #expect(sent.value.last?.id == kept.signature.id)
            #expect(counting.claimed.value == 0)

            // The request of the signature invalidated while pending stays leased, unsent,
            // until a claim deletes it.
            clock.advance(by: Self.lease.timeInterval)
            await own.drain()
            #expect(sent.value.count == 3)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "an email composed whole and handed over goes out as composed, its seal not opened again",
        arguments: TestDatabase.all)
    func sentAsComposed(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let clock = ManualClock()
            let handover = OutboxHandover(lease: Self.lease)
            let emails = try (0..<3).map { try store.queuedEmail(to: "composed\($0)@example.org") }
            let reservation = try #require(handover.reserve(emails.count, at: clock.now))
            try await store.database.write { transaction in
                try await transaction.enqueue(OutgoingEmails(leased: emails, leaseUntil: reservation.leaseUntil))
            }
            handover.handOver(emails, for: reservation)

            // A worker whose keys open nothing: it can only send what it was handed whole.
            let noKeys = try Self.sealerOpeningNothing(store)
            let sent = Locked<[Sending]>([])
            let own = OutboxWorker(
                store: store.database, transport: SlowTransport(name: "own", delay: .zero, log: sent), sealer: noKeys,
                logger: TestDatabase.logger, lease: Self.lease, clock: clock.wallClock, handover: handover)
            await own.drain()
            #expect(Set(sent.value.map(\.id)) == Set(emails.map(\.id)))
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "a confirmation request handed over is written from what was sealed, its seal not opened again",
        arguments: TestDatabase.all)
    func requestFromSignerData(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let (clock, handover) = try await Self.signed(3, prefix: "unopened", store: store)

            // A worker whose keys open nothing: it can only write the requests from memory.
            let noKeys = try Self.sealerOpeningNothing(store)
            let sent = Locked<[EmailMessage]>([])
            let own = OutboxWorker(
                store: store.database, transport: RecordingTransport(sent), sealer: noKeys,
                logger: TestDatabase.logger, lease: Self.lease, clock: clock.wallClock, handover: handover,
                signerEmails: SignerEmailWriter(
                    mailer: store.mailer(sealer: noKeys), petitions: { _ in store.petition }))
            await own.drain()
            #expect(Set(sent.value.map(\.to)) == Set((0..<3).map { "unopened\($0)@example.org" }))
            #expect(sent.value.allSatisfy { $0.toName == "Writer Test" })
            #expect(try await store.database.pendingEmailCount() == 0)
            #expect(try await store.database.outboxStatus().failed == 0)
        }
    }

    /// Keeps every message it is given.
    final class RecordingTransport: MailTransport {
        let sent: Locked<[EmailMessage]>

        init(_ sent: Locked<[EmailMessage]>) {
            self.sent = sent
        }

        func send(_ message: EmailMessage) async throws {
            sent.withLock { $0.append(message) }
        }
    }

    @Test(
        "an email handed over to an instance that stops goes out through another once its lease ends",
        arguments: TestDatabase.all)
    func stoppedInstance(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            // This instance stops before its worker sends anything.
            let (clock, _) = try await Self.signed(3, prefix: "stopped", store: store)

            let sent = Locked<[Sending]>([])
            let other = Self.worker(store.database, of: store, sent: sent, name: "other", clock: clock)
            clock.advance(by: Self.lease.timeInterval - 1)
            await other.drain()
            #expect(sent.value.isEmpty)
            // The lease ends on a whole second, within one of the lease's length.
            clock.advance(by: 2)
            await other.drain()
            #expect(sent.value.count == 3)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test("past its capacity, the writer leaves emails to be claimed", arguments: TestDatabase.all)
    func beyondCapacity(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let (clock, handover) = try await Self.signed(5, prefix: "full", store: store, capacity: 2)

            let attempts = try await store.database.outboxEntries(limit: 10).map(\.attempts).sorted()
            #expect(attempts == [0, 0, 0, 1, 1])
            // The emails are dated by the system's clock, which has moved on since.
            clock.advance(by: 5)
            let sent = Locked<[Sending]>([])
            let counting = KillableOutbox(store.database)
            let own = Self.worker(
                counting, of: store, sent: sent, name: "own", clock: clock, handover: handover)
            await own.drain()
            #expect(sent.value.count == 5)
            #expect(counting.claimed.value == 3)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "woken for its hand-over, the worker sends what was handed over and claims nothing; woken for the outbox, it claims",
        arguments: TestDatabase.all)
    func wokenForHandover(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let (clock, handover) = try await Self.signed(5, prefix: "woken", store: store, capacity: 2)
            clock.advance(by: 5)
            let sent = Locked<[Sending]>([])
            let counting = KillableOutbox(store.database)
            // No look at the outbox of its own accord during the test.
            let worker = Self.worker(
                counting, of: store, sent: sent, name: "own", clock: clock, handover: handover,
                pollInterval: .seconds(3600))
            try await running(worker) { _ in
                worker.wakeForHandover()
                try await Self.waitUntil { sent.value.count >= 2 }
                // Long enough for a worker that claimed to have claimed.
                try await Task.sleep(for: .milliseconds(300))
                #expect(sent.value.count == 2)
                #expect(counting.claimed.value == 0)

                worker.wake()
                try await Self.waitUntil { sent.value.count >= 5 }
                #expect(counting.claimed.value == 3)
            }
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "while a commit is under way, the rows of emails sent go with the writer's next commit, a signing's or a confirmation's; with none, the worker deletes them",
        arguments: TestDatabase.all)
    func sentDeletedWithNextCommit(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let clock = ManualClock()
            // Longer than any pause of a busy machine between a send and the worker's look.
            let handover = OutboxHandover(lease: Self.lease, sentWait: .seconds(60))
            let writer = Self.writer(store, handover: handover, clock: clock)
            let sent = Locked<[Sending]>([])
            let counting = KillableOutbox(store.database)
            let worker = Self.worker(
                counting, of: store, sent: sent, name: "own", clock: clock, handover: handover,
                pollInterval: .seconds(3600))
            @Sendable func outboxIDs() async throws -> Set<UUID> {
                Set(try await store.database.outboxEntries(limit: 10).map(\.id))
            }
            try await running(writer) { _ in
                try await running(worker) { _ in
                    let first = try store.job(email: "first@example.org")
                    _ = try await writer.sign(first)
                    // Another commit, as of a second writer, under way while the worker sends.
                    let underWay = handover.takeSentForCommit()
                    worker.wakeForHandover()
                    try await Self.waitUntil { sent.value.count == 1 }
                    let request = try await outboxIDs()
                    #expect(request.count == 1)

                    _ = try await writer.sign(try store.job(email: "second@example.org"))
                    let afterSigning = try await outboxIDs()
                    #expect(afterSigning.count == 1)
                    #expect(afterSigning.isDisjoint(with: request))

                    worker.wakeForHandover()
                    try await Self.waitUntil { sent.value.count == 2 }
                    #expect(
                        try await writer.confirm(signatureID: first.signature.id)
                            == .confirmed(petitionID: store.petition.id))
                    // The receipt queued, the second request's row deleted with it.
                    #expect(try await outboxIDs() == [first.signature.id])
                    #expect(counting.markedSent.value == 0)

                    handover.commitEnded(failing: underWay)
                    worker.wakeForHandover()
                    try await Self.waitUntil { sent.value.count == 3 && counting.markedSent.value == 1 }
                    #expect(try await store.database.pendingEmailCount() == 0)
                }
            }
        }
    }

    @Test(
        "with no commit under way, each batch sent has its rows deleted at once, not at the end of the drain",
        arguments: TestDatabase.all)
    func sentDeletedBatchByBatch(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            _ = try await OutboxLeaseTests.enqueue(200, in: store)
            let sent = Locked<[Sending]>([])
            let counting = KillableOutbox(store.database)
            let worker = Self.worker(
                counting, of: store, sent: sent, name: "own", clock: ManualClock(),
                handover: OutboxHandover(lease: Self.lease, sentWait: .seconds(60)))
            await worker.drain()
            #expect(sent.value.count == 200)
            #expect(counting.sentDeletes.value == [128, 72])
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test("the ids of emails sent are left to the worker when no commit is under way, or once they waited")
    func sentLeftToWorker() async throws {
        // Longer than any pause of a busy machine between two lines.
        let handover = OutboxHandover(lease: Self.lease, sentWait: .seconds(60))
        let (first, second) = (UUID.random(), UUID.random())
        handover.keepSent([first])
        let underWay = handover.takeSentForCommit()
        #expect(underWay == [first])
        handover.keepSent([second])
        #expect(handover.takeSentLeftToWorker(all: false).isEmpty)
        // A commit that failed gives back what it took.
        handover.commitEnded(failing: underWay)
        #expect(Set(handover.takeSentLeftToWorker(all: false)) == [first, second])

        _ = handover.takeSentForCommit()
        handover.keepSent([first])
        #expect(handover.takeSentLeftToWorker(all: false).isEmpty)
        #expect(handover.takeSentLeftToWorker(all: true) == [first])
        #expect(handover.takeSentLeftToWorker(all: true).isEmpty)

        let waiting = OutboxHandover(lease: Self.lease, sentWait: .milliseconds(50))
        _ = waiting.takeSentForCommit()
        waiting.keepSent([second])
        try await Task.sleep(for: .milliseconds(60))
        #expect(waiting.takeSentLeftToWorker(all: false) == [second])
    }

    private struct TimedOut: Error {}

    private static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TimedOut()
    }

    @Test("a receipt goes out from memory too")
    func receipts() async throws {
        try await TestStore.with(.sqlite) { store in
            let clock = ManualClock()
            let handover = OutboxHandover(lease: Self.lease)
            let writer = Self.writer(store, handover: handover, clock: clock)
            let job = try store.job(email: "receipt@example.org")
            let sent = Locked<[Sending]>([])
            let counting = KillableOutbox(store.database)
            let own = Self.worker(
                counting, of: store, sent: sent, name: "own", clock: clock, handover: handover)
            try await running(writer) { _ in
                _ = try await writer.sign(job)
                await own.drain()
                #expect(
                    try await writer.confirm(signatureID: job.signature.id) == .confirmed(petitionID: store.petition.id)
                )
            }
            await own.drain()
            #expect(sent.value.count == 2)
            #expect(counting.claimed.value == 0)
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }

    @Test(
        "a receipt the worker has taken is not sent once its signature is withdrawn, and nothing of it is left",
        arguments: TestDatabase.all)
    func takenThenWithdrawn(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let clock = ManualClock()
            let handover = OutboxHandover(lease: Self.lease)
            let writer = Self.writer(store, handover: handover, clock: clock)
            let jobs = try ["kept", "withdrawn"].map { try store.job(email: "\($0)@example.org") }
            let transport = GatedTransport()
            let own = OutboxWorker(
                store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                lease: Self.lease, clock: clock.wallClock, handover: handover,
                signerEmails: SignerEmailWriter(mailer: store.mailer(), petitions: { _ in store.petition }))
            try await running(writer) { _ in
                for job in jobs { _ = try await writer.sign(job) }
                transport.release()
                await own.drain()
                #expect(transport.sent.value.count == 2)

                // Both receipts wait in the hand-over; the worker takes them together and holds
                // the first at the gate while the other signature is withdrawn.
                transport.close()
                for job in jobs { _ = try await writer.confirm(signatureID: job.signature.id) }
                let sending = Task { await own.drain() }
                let first = try await transport.firstHeld()
                let other = try #require(jobs.first { $0.signature.id != first }).signature.id
                #expect(try await writer.withdraw(signatureID: other) == .withdrawn(petitionID: store.petition.id))
                transport.release()
                await sending.value
                #expect(transport.sent.value.count == 3)
                #expect(transport.sent.value.last == first)
                #expect(!transport.sent.value.contains(other))
            }
            await own.drain()
            #expect(try await store.database.pendingEmailCount() == 0)
            #expect(handover.isWithWorker(jobs[0].signature.id) == false)
            #expect(handover.isWithWorker(jobs[1].signature.id) == false)
        }
    }

    /// A transport that, once closed, holds the first message given to it until released.
    final class GatedTransport: MailTransport {
        let sent = Locked<[UUID]>([])
        private let open = Locked(true)
        private let held = Locked<UUID?>(nil)

        func close() { open.withLock { $0 = false } }
        func release() { open.withLock { $0 = true } }

        func send(_ message: EmailMessage) async throws {
            if !open.value {
                held.withLock { $0 = $0 ?? message.id }
                while !open.value { try await Task.sleep(for: .milliseconds(5)) }
            }
            sent.withLock { $0.append(message.id) }
        }

        /// The id of the message held at the gate, once there is one.
        func firstHeld() async throws -> UUID {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let id = held.value { return id }
                try await Task.sleep(for: .milliseconds(5))
            }
            throw TimedOut()
        }
    }

    @Test("room is bounded, given back when unused, and what waits too long is let go")
    func bounds() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000.5)
        let handover = OutboxHandover(capacity: 4, lease: .seconds(20))
        let first = try #require(handover.reserve(3, at: now))
        #expect(first.count == 3)
        // On the next whole second after the lease: commits of one second go out together.
        #expect(first.leaseUntil == Date(timeIntervalSince1970: 1_800_000_021))
        let second = try #require(handover.reserve(3, at: now))
        #expect(second.count == 1)
        #expect(handover.reserve(1, at: now) == nil)

        let emails = (0..<3).map { _ in QueuedEmail(id: UUID(), sealedMessage: [1], createdAt: now) }
        // Two of the three reserved were queued: the third's room comes back.
        handover.handOver(Array(emails.prefix(2)), for: first)
        handover.handOver([emails[2]], for: second)
        #expect(handover.reserve(1, at: now)?.count == 1)
        // Both commits share a lease: taken together, oldest first.
        let taken = try #require(handover.take(limit: 10, at: now))
        #expect(taken.emails.map(\.id) == emails.map(\.id))
        #expect(taken.since == now)
        #expect(handover.take(limit: 10, at: now) == nil)

        let late = try #require(handover.reserve(2, at: now))
        handover.handOver(emails, for: late)
        // Taken while some of the lease is left, to be renewed by the worker.
        #expect(handover.take(limit: 10, at: now.addingTimeInterval(19))?.emails.count == 2)
        let later = try #require(handover.reserve(2, at: now))
        handover.handOver(emails, for: later)
        // Too little left to renew it safely: let go, for the database to give out once it ends.
        #expect(handover.take(limit: 10, at: now.addingTimeInterval(20)) == nil)
        #expect(handover.reserve(4, at: now)?.count == 3)
    }

    @Test("emails dropped while waiting are not taken, and their room comes back")
    func dropped() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000.5)
        let handover = OutboxHandover(capacity: 3, lease: .seconds(20))
        let emails = (0..<3).map { _ in QueuedEmail(id: UUID(), sealedMessage: [1], createdAt: now) }
        let first = try #require(handover.reserve(2, at: now))
        handover.handOver(Array(emails.prefix(2)), for: first)
        let second = try #require(handover.reserve(1, at: now))
        handover.handOver([emails[2]], for: second)
        #expect(handover.reserve(1, at: now) == nil)

        handover.drop([emails[1].id, emails[2].id, UUID()])
        #expect(handover.take(limit: 10, at: now)?.emails.map(\.id) == [emails[0].id])
        #expect(handover.take(limit: 10, at: now) == nil)
        #expect(handover.reserve(3, at: now)?.count == 3)
    }

    @Test(
        "an email handed over that waited half its lease has the lease renewed before it is sent, and goes out once",
        arguments: TestDatabase.all)
    func renewedBeforeSent(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let (clock, handover) = try await Self.signed(2, prefix: "waited", store: store)
            clock.advance(by: 15)
            let sent = Locked<[Sending]>([])
            let counting = KillableOutbox(store.database)
            let own = Self.worker(
                counting, of: store, sent: sent, name: "own", clock: clock, handover: handover,
                delay: .milliseconds(500))
            let sending = Task { await own.drain() }
            // While they are sent, their lease runs a whole lease from now.
            let renewed = clock.now.addingTimeInterval(Self.lease.timeInterval).millis
            let deadline = ContinuousClock.now + .seconds(10)
            while try await !store.database.outboxEntries(limit: 10).contains(where: {
                $0.nextAttemptAt.millis == renewed
            }) {
                guard ContinuousClock.now < deadline else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(5))
            }
            await sending.value
            #expect(sent.value.count == 2)
            #expect(counting.claimed.value == 0)
            // Nothing is left for another worker once the first lease is over.
            clock.advance(by: 10)
            let other = Self.worker(store.database, of: store, sent: sent, name: "other", clock: clock)
            await other.drain()
            #expect(sent.value.allSatisfy { $0.worker == "own" })
            #expect(try await store.database.pendingEmailCount() == 0)
        }
    }
}
