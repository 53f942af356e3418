import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// When to try a message again, and when to give up on it.
public struct RetryPolicy: Sendable {
    /// A message older than this is given up on (signatures left unconfirmed are deleted
    /// after 7 days: a confirmation arriving later would be useless).
    public var maximumAge: TimeInterval
    public var maximumAttempts: Int
    /// How long failed messages stay for an admin to see; then the personal data they hold goes.
    public var keepUndeliverable: TimeInterval
    public var backoff: @Sendable (_ attempts: Int) -> TimeInterval

    public static let standard = RetryPolicy(
        maximumAge: 2 * 24 * 3600, maximumAttempts: 40, keepUndeliverable: 7 * 24 * 3600,
        backoff: { RetryPolicy.backoff(attempts: $0) })

    public init(
        maximumAge: TimeInterval, maximumAttempts: Int, keepUndeliverable: TimeInterval,
        backoff: @escaping @Sendable (_ attempts: Int) -> TimeInterval
    ) {
        self.maximumAge = maximumAge
        self.maximumAttempts = maximumAttempts
        self.keepUndeliverable = keepUndeliverable
        self.backoff = backoff
    }

    /// Exponential backoff with jitter, from 5 seconds up to an hour: many failed messages do
    /// not all come back at the same moment.
    public static func backoff(attempts: Int) -> TimeInterval {
        let base = min(3600, 5 * pow(2, Double(min(max(0, attempts - 1), 20))))
        return base * Double.random(in: 0.8...1.2)
    }
}

/// Drains the outbox through the configured transport: woken right after a commit that
/// queued email, and every second for retries and for other instances' messages. Woken for
/// emails handed over only, it sends them without reading the outbox, which then waits for
/// the next second's look.
///
/// Delivery is at least once: a message is deleted only after the server accepted it, so a
/// crash between the two sends it again when its lease ends (a duplicate, never a loss).
/// Leases are short and renewed while a batch is at work: another instance never takes a
/// message a live one is sending, and after a crash what was claimed goes out again within
/// one lease.
/// A 5xx refusal gives up at once; anything else is retried with backoff until the policy's
/// age or attempt limit.
public final class OutboxWorker: Service, Sendable {
    private let store: any OutboxStore
    private let transport: any MailTransport
    private let sealer: PersonalDataSealer
    private let logger: Logger
    private let pollInterval: Duration
    private let lease: Duration
    private let policy: RetryPolicy
    private let metrics: OutboxMetrics
    private let clock: WallClock
    private let handover: OutboxHandover?
    private let signerEmails: SignerEmailWriter?
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation
    private let lastCleanup = Mutex<Date>(.distantPast)
    /// Whether the next drain claims from the outbox, besides taking what was handed over.
    private let claimNext = Atomic<Bool>(false)

    public init(
        store: any OutboxStore, transport: any MailTransport, sealer: PersonalDataSealer, logger: Logger,
        pollInterval: Duration = .seconds(1), lease: Duration = Settings().outboxLease,
        policy: RetryPolicy = .standard,
        metrics: OutboxMetrics = OutboxMetrics(), clock: WallClock = .system, handover: OutboxHandover? = nil,
        signerEmails: SignerEmailWriter? = nil
    ) {
        self.handover = handover
        self.signerEmails = signerEmails
        self.store = store
        self.transport = transport
        self.sealer = sealer
        self.logger = logger
        self.pollInterval = pollInterval
        self.lease = lease
        self.policy = policy
        self.metrics = metrics
        self.clock = clock
        (self.doorbell, self.ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the worker to look at the outbox now.
    public func wake() {
        claimNext.store(true, ordering: .releasing)
        ring.yield()
    }

    /// Asks the worker to send what waits in its hand-over now.
    public func wakeForHandover() {
        ring.yield()
    }

    public func run() async throws {
        let ticker = Task { [weak self, pollInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                self?.wake()
            }
        }
        defer { ticker.cancel() }
        await withGracefulShutdownHandler {
            for await _ in doorbell.cancelOnGracefulShutdown() {
                await drain(claiming: claimNext.exchange(false, ordering: .acquiring))
                await deleteSent(all: false)
                await deleteOldUndeliverable()
            }
        } onGracefulShutdown: {
            self.ring.finish()
        }
        await deleteSent(all: true)
        await transport.shutdown()
    }

    /// Sends everything due, a few at a time as the transport allows, what was handed over
    /// first; returns when the outbox has nothing due.
    public func drain() async {
        await drain(claiming: true)
        await deleteSent(all: true)
    }

    /// Sends what was handed over, then, when `claiming`, what is due in the outbox. While a
    /// full batch claimed goes out, the next is claimed beside it: through a backlog, the
    /// database's round trips then overlap the sending instead of leaving the transport idle.
    private func drain(claiming: Bool) async {
        var next: Task<Claim?, Never>?
        draining: while !Task.isCancelled {
            let now = clock.now
            // A batch already claimed goes first: it is not renewed until it is sent.
            if next == nil, let handover, let taken = handover.take(limit: Self.batchSize, at: now) {
                defer { handover.done(with: taken.emails.map(\.id)) }
                let claimed = taken.emails.map {
                    ClaimedEmail(
                        id: $0.id, sealedMessage: $0.sealedMessage, attempts: 1, createdAt: $0.createdAt,
                        message: $0.message, signer: $0.signer, signerEmail: $0.signerEmail)
                }
                guard
                    let (held, leaseUntil) = await stillHeld(
                        claimed, leasedUntil: taken.leaseUntil, since: taken.since, at: now)
                else { continue }
                guard await send(held, leasedUntil: leaseUntil, unsendable: taken.unsendable) else { return }
                continue
            }
            guard claiming else { return }
            let claim: Claim
            if let claiming = next {
                next = nil
                guard let claimed = await claiming.value, !claimed.emails.isEmpty else { return }
                // Claimed while the batch before went out, perhaps slowly to a slow relay.
                guard
                    let (held, leaseUntil) = await stillHeld(
                        claimed.emails, leasedUntil: claimed.leaseUntil, since: claimed.at, at: clock.now)
                else { continue }
                claim = Claim(emails: held, leaseUntil: leaseUntil, at: claimed.at)
            } else {
                guard let claimed = await claimDue(at: now), !claimed.emails.isEmpty else { return }
                claim = claimed
            }
            if claim.emails.count == Self.batchSize {
                next = Task { await self.claimDue(at: self.clock.now) }
            }
            guard await send(claim.emails, leasedUntil: claim.leaseUntil, unsendable: UnsendableEmails()) else {
                break draining
            }
        }
        // Stopped by a failure or a cancellation with the next batch claimed: it goes out
        // once its lease ends, as after any failure, and its claim does not outlive the drain.
        _ = await next?.value
    }

    /// How many emails a claim or a take from the hand-over brings at most.
    static let batchSize = 128

    private struct Claim: Sendable {
        var emails: [ClaimedEmail]
        var leaseUntil: Date
        var at: Date
    }

    /// Leases the emails due, `nil` when the outbox cannot be read.
    private func claimDue(at now: Date) async -> Claim? {
        let leaseUntil = now.addingTimeInterval(lease.timeInterval)
        do {
            return Claim(
                emails: try await store.claimDueEmails(limit: Self.batchSize, now: now, leaseUntil: leaseUntil),
                leaseUntil: leaseUntil, at: now)
        } catch {
            logger.error("cannot read the outbox", metadata: ["error": "\(String(reflecting: error))"])
            return nil
        }
    }

    /// Deletes the rows of the emails sent that no commit of the writer will take
    /// (``OutboxHandover/takeSentLeftToWorker(all:)``), or `all` of them. A failure leaves
    /// them to go again once their lease ends: at least once.
    private func deleteSent(all: Bool) async {
        guard let sent = handover?.takeSentLeftToWorker(all: all), !sent.isEmpty else { return }
        do {
            try await store.markSent(sent)
        } catch {
            logger.error("cannot mark emails sent", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// The emails, handed over or claimed ahead, leased until `leasedUntil` since `since`, that
    /// are still this worker's to send, and until when they are leased. Their lease is renewed
    /// first when half of it went by, or when they waited long enough for their rows to have
    /// changed elsewhere (``OutboxHandover/checkedAfter``); only those it renews go on. `nil`
    /// when it could not be renewed, which leaves them to the claim once their lease ends.
    private func stillHeld(_ emails: [ClaimedEmail], leasedUntil: Date, since: Date, at now: Date) async
        -> (emails: [ClaimedEmail], leaseUntil: Date)?
    {
        guard
            leasedUntil.timeIntervalSince(now) < lease.timeInterval / 2
                || now.timeIntervalSince(since) >= OutboxHandover.checkedAfter
        else { return (emails, leasedUntil) }
        let renewedUntil = now.addingTimeInterval(lease.timeInterval)
        do {
            let renewed = try await store.renewLease(emails.map(\.id), heldUntil: leasedUntil, until: renewedUntil)
            return (emails.filter { renewed.contains($0.id) }, renewedUntil)
        } catch {
            logger.warning("cannot renew the outbox lease", metadata: ["error": "\(String(reflecting: error))"])
            return nil
        }
    }

    /// Sends emails leased to this worker and deletes those sent, or hands their ids to the
    /// writer's next commit to delete; returns whether that was recorded.
    private func send(_ claimed: [ClaimedEmail], leasedUntil leaseUntil: Date, unsendable: UnsendableEmails) async
        -> Bool
    {
        guard !claimed.isEmpty else { return true }
        return await holdingLease(on: claimed.map(\.id), until: leaseUntil, unsendable: unsendable) {
            let sent = await deliverAll(claimed, except: unsendable)
            if let handover {
                handover.keepSent(sent)
                metrics.sent.increment(by: sent.count)
                // Now unless the writer is committing: in a long drain, rows left behind would
                // see their lease end and be claimed again.
                await deleteSent(all: false)
                return true
            }
            do {
                try await store.markSent(sent)
                metrics.sent.increment(by: sent.count)
                return true
            } catch {
                // They went out; their leases expire and they go again: at least once, as documented.
                logger.error("cannot mark emails sent", metadata: ["error": "\(String(reflecting: error))"])
                return false
            }
        }
    }

    /// Runs `body` while renewing the lease on `ids` three times a lease, so that it never
    /// runs out while this worker is alive, however long sending takes. The emails a renewal
    /// no longer finds held go into `unsendable`.
    private func holdingLease<Result>(
        on ids: [UUID], until leaseUntil: Date, unsendable: UnsendableEmails, _ body: () async -> Result
    ) async -> Result {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var held = leaseUntil
                var ids = ids
                while (try? await Task.sleep(for: self.lease / 3)) != nil {
                    let renewedUntil = self.clock.now.addingTimeInterval(self.lease.timeInterval)
                    do {
                        let renewed = try await self.store.renewLease(ids, heldUntil: held, until: renewedUntil)
                        unsendable.add(ids.filter { !renewed.contains($0) })
                        ids = ids.filter { renewed.contains($0) }
                        held = renewedUntil
                    } catch {
                        // The next renewal tries again; if the lease runs out meanwhile another
                        // instance may send these too: a duplicate, never a loss.
                        self.logger.warning(
                            "cannot renew the outbox lease", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
            }
            let result = await body()
            group.cancelAll()
            return result
        }
    }

    /// Delivers over `transport.parallelism` runs at once, each sending one message after
    /// another and taking the next one left, or over one run on the transport's own thread;
    /// returns those sent. A failure is recorded, and retried or given up on.
    private func deliverAll(_ emails: [ClaimedEmail], except unsendable: UnsendableEmails) async -> [UUID] {
        let delivery = Delivery(emails, except: unsendable)
        let runs = transport.executor == nil ? min(transport.parallelism, emails.count) : 1
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<runs {
                group.addTask(executorPreference: transport.executor) {
                    await self.transport.sendInTurn(
                        next: { delivery.next() }, message: { try await self.message(of: $0) },
                        done: { email, error in
                            if let error {
                                await self.recordFailure(of: email, error)
                            } else {
                                delivery.sent(email)
                            }
                        })
                }
            }
        }
        return delivery.sentIDs
    }

    /// What the runs of one delivery share: the emails not yet taken, and those sent.
    private final class Delivery: Sendable {
        private let left: Mutex<ArraySlice<ClaimedEmail>>
        private let sentList = Mutex<[UUID]>([])
        private let unsendable: UnsendableEmails

        init(_ emails: [ClaimedEmail], except unsendable: UnsendableEmails) {
            left = Mutex(emails[...])
            self.unsendable = unsendable
        }

        /// Checked as each is taken: a receipt whose signature was withdrawn after it was
        /// handed over, or an email whose row a renewal no longer found, must not go out.
        func next() -> ClaimedEmail? {
            left.withLock { left in
                while let email = left.popFirst() {
                    if !unsendable.contains(email.id) { return email }
                }
                return nil
            }
        }

        func sent(_ email: ClaimedEmail) {
            sentList.withLock { $0.append(email.id) }
        }

        var sentIDs: [UUID] { sentList.withLock { $0 } }
    }

    private func message(of email: ClaimedEmail) async throws -> EmailMessage {
        if let message = email.message { return message }
        guard let signerEmail = email.signerEmail else {
            return try sealer.open(EmailMessage.self, from: email.sealedMessage, in: .outbox(email.id))
        }
        guard let signerEmails else { throw SignerEmailWriter.Unwritable() }
        return try await signerEmails.message(
            signerEmail, signer: email.signer, sealedPersonalData: email.sealedMessage, id: email.id,
            createdAt: email.createdAt)
    }

    private func recordFailure(of email: ClaimedEmail, _ error: any Error) async {
        let now = clock.now
        let reason = error as? any MailDeliveryError
        // A message that cannot be opened or written never will: give up on it too.
        let permanent =
            reason?.isPermanent ?? (error is PersonalDataSealer.SealingError || error is SignerEmailWriter.Unwritable)
        let exhausted =
            email.attempts >= policy.maximumAttempts || now.timeIntervalSince(email.createdAt) >= policy.maximumAge
        let giveUp = permanent || exhausted
        let detail = reason?.summary ?? "\(type(of: error))"
        let attempt = DeliveryAttempt(
            number: email.attempts, at: now, outcome: giveUp ? .failed : .retry, replyCode: reason?.replyCode,
            detail: detail)
        let metadata: Logger.Metadata = [
            "email.id": "\(email.id)", "attempts": "\(email.attempts)", "error": "\(detail)",
        ]
        do {
            if giveUp {
                logger.error(
                    permanent ? "email refused; giving up" : "email not sent in time; giving up", metadata: metadata)
                try await store.markUndeliverable(email.id, attempt: attempt)
                metrics.failed.increment()
            } else {
                logger.warning("email not sent; will retry", metadata: metadata)
                try await store.markFailed(
                    email.id, attempt: attempt, retryAt: now.addingTimeInterval(policy.backoff(email.attempts)))
                metrics.retried.increment()
            }
        } catch {
            // The lease runs out and the message is tried again.
            logger.error(
                "cannot record a failed email",
                metadata: ["email.id": "\(email.id)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Hourly, deletes messages given up on longer ago than the policy keeps them.
    private func deleteOldUndeliverable() async {
        let now = clock.now
        let due = lastCleanup.withLock { last in
            guard now.timeIntervalSince(last) >= 3600 else { return false }
            last = now
            return true
        }
        guard due else { return }
        do {
            let deleted = try await store.deleteUndeliverable(before: now.addingTimeInterval(-policy.keepUndeliverable))
            if deleted > 0 {
                logger.notice("retention: deleted undeliverable emails", metadata: ["count": "\(deleted)"])
            }
        } catch {
            logger.error(
                "retention: cannot delete undeliverable emails", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
