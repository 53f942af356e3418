import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The one way signatures are written. Requests queue their work here; a single loop takes
/// everything queued so far and commits it in one transaction (group commit), then answers
/// each request. Nobody is told "done" before their signature is durable, and a burst of
/// signers costs a handful of transactions instead of one each. Each commit also deletes the
/// outbox's rows of the emails sent while the one before was under way
/// (``OutboxHandover/takeSentForCommit()``). Where the store gains from it (PostgreSQL), a
/// batch's new signatures go first in one statement of their own, and, once enough is queued,
/// the next batch's statements run while the one before waits for its commit.
public final class SignatureWriter: Service, Sendable {
    public enum SignOutcome: Sendable, Equatable {
        /// Stored, or already stored: the answer is the same either way.
        case accepted
    }

    public enum ConfirmOutcome: Sendable, Equatable {
        case confirmed(petitionID: UUID)
        case alreadyConfirmed(petitionID: UUID)
        case notConfirmable(petitionID: UUID, state: SignatureState)
        case notFound
    }

    public enum WithdrawOutcome: Sendable, Equatable {
        /// Withdrawn now, or earlier: the answer is the same either way.
        case withdrawn(petitionID: UUID)
        case notWithdrawable(petitionID: UUID, state: SignatureState)
        case notFound
    }

    public struct SigningJob: Sendable {
        public var signature: NewSignature
        public var request: SignatureRequest
        public var petition: Petition
        /// What the signature's personal data holds, sealed.
        var signer: PersonalData { Self.personalData(of: request) }

        private static func personalData(of request: SignatureRequest) -> PersonalData {
            PersonalData(name: request.name, email: request.email.address, language: request.language)
        }

        /// A new pending signature for `request`: its dedup fingerprint computed, its personal data sealed.
        public init(
            _ request: SignatureRequest, on petition: Petition, fingerprinter: EmailFingerprinter,
            sealer: PersonalDataSealer, at createdAt: Date
        ) throws {
            let id = UUID.timeOrdered(at: createdAt)
            self.signature = NewSignature(
                id: id, petitionID: petition.id, emailFingerprint: fingerprinter.fingerprint(request.email),
                country: request.country,
                showNamePublicly: request.showNamePublicly, wantsUpdates: request.wantsUpdates, source: request.source,
                sealedPersonalData: try sealer.seal(Self.personalData(of: request), in: .signature(id)),
                createdAt: createdAt)
            self.request = request
            self.petition = petition
        }
    }

    private enum Command: Sendable {
        case sign(SigningJob, CheckedContinuation<SignOutcome, any Error>)
        case confirm(UUID, CheckedContinuation<ConfirmOutcome, any Error>)
        case withdraw(UUID, CheckedContinuation<WithdrawOutcome, any Error>)

        var isWithdrawal: Bool {
            if case .withdraw = self { true } else { false }
        }

        func fail(_ error: any Error) {
            switch self {
            case .sign(_, let continuation): continuation.resume(throwing: error)
            case .confirm(_, let continuation): continuation.resume(throwing: error)
            case .withdraw(_, let continuation): continuation.resume(throwing: error)
            }
        }
    }

    private struct MismatchedOutcome: Error {}

    /// The commands that must wait before a batch goes beside one still committing.
    static let concurrentBatchMinimum = 64

    private struct Queue {
        var commands: [Command] = []
        var accepting = true
    }

    private let store: any SignatureStore
    private let mailer: SignerMail
    private let receipts: ReceiptCodes
    private let counts: SignatureCounts
    private let committed: @Sendable (_ claimable: Bool) -> Void
    /// Where the emails queued leased to this instance go once committed; `nil` leaves every
    /// email to be claimed.
    private let handover: OutboxHandover?
    /// Tells organizations that a petition reached its goal.
    private let goals: GoalNotices
    let clock: WallClock
    private let capacity: Int
    private let maximumBatch: Int
    private let concurrentWrites: Int
    private let logger: Logger
    private let queue = Mutex(Queue())
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    /// - Parameters:
    ///   - capacity: queued commands beyond which new ones are refused with ``Overloaded``.
    ///   - petitions: looks petitions up by id, for the emails about a goal reached.
    ///   - notices: tells the organization's members when a petition reaches its goal; `nil`
    ///     tells no one (the goal is marked reached and audited all the same).
    ///   - handover: the outbox's hand-over, for the confirmation requests and receipts.
    ///   - committed: called after each commit that queued email, to wake the outbox; `claimable`
    ///     when some of that email went to the outbox unleased, for its worker to claim, and
    ///     not only to its hand-over.
    public init(
        store: any SignatureStore, petitions: @escaping @Sendable (UUID) async throws -> Petition?, mailer: SignerMail,
        receipts: ReceiptCodes, counts: SignatureCounts, capacity: Int = 20_000, maximumBatch: Int = 512,
        logger: Logger, notices: OrganizerNotices? = nil,
        clock: WallClock = .system, handover: OutboxHandover? = nil,
        committed: @escaping @Sendable (_ claimable: Bool) -> Void = { _ in }
    ) {
        self.handover = handover
        self.goals = GoalNotices(notices: notices, petitions: petitions, logger: logger)
        self.clock = clock
        self.store = store
        self.receipts = receipts
        self.mailer = mailer
        self.counts = counts
        self.capacity = capacity
        self.maximumBatch = maximumBatch
        self.concurrentWrites = max(1, store.concurrentWrites)
        self.logger = logger
        self.committed = committed
        (self.doorbell, self.ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Stores a pending signature and its confirmation request; returns once both are durable.
    /// The request is queued as the signature's sealed data, and written when sent
    /// (``SignerEmailWriter``).
    public func sign(_ job: SigningJob) async throws -> SignOutcome {
        try await withCheckedThrowingContinuation { continuation in
            submit(.sign(job, continuation))
        }
    }

    /// Confirms a pending signature; returns once the confirmation is durable. Its receipt is
    /// queued from the row its confirming statement returns, and written when sent
    /// (``ReceiptMail``).
    public func confirm(signatureID: UUID) async throws -> ConfirmOutcome {
        try await withCheckedThrowingContinuation { continuation in
            submit(.confirm(signatureID, continuation))
        }
    }

    /// Withdraws a signature, pending or confirmed, and erases its personal data; returns once
    /// that is durable.
    public func withdraw(signatureID: UUID) async throws -> WithdrawOutcome {
        try await withCheckedThrowingContinuation { continuation in
            submit(.withdraw(signatureID, continuation))
        }
    }

    /// The batch form, for signatures counted without an emailed link: signatures collected on
    /// paper, or a benchmark's synthetic ones. Each is stored confirmed (it must have its
    /// `confirmedAt`) and counted in one transaction with the counters and the log; one whose
    /// address has signed the petition already is left out. Returns those stored.
    ///
    /// With `paper`, the signatures came from that batch of paper forms: its provenance and
    /// its audit event are stored in the same transaction, so a batch is counted whole or not
    /// at all.
    public func record(_ batch: [NewSignature], paper: (batch: PaperBatch, audit: AuditEvent)? = nil) async throws
        -> [Signature]
    {
        guard batch.allSatisfy({ $0.confirmedAt != nil }) else { throw UnconfirmedInBatch() }
        let (store, receipts, goals, now) = (self.store, self.receipts, self.goals, clock.now)
        let (stored, toldGoals) = try await counts.recording {
            let (stored, toldGoals) = try await store.write { transaction in
                let petitions = Set(batch.map(\.petitionID))
                guard try await transaction.confirmablePetitions(among: petitions, at: now) == petitions else {
                    throw PetitionNotCounting()
                }
                if let paper { try await transaction.insertPaperBatch(paper.batch) }
                let inserted = try await transaction.insertNew(batch)
                if let paper {
                    try await transaction.setPaperBatchCounted(paper.batch.id, counted: inserted.count)
                    var audit = paper.audit
                    audit.details += ", \(inserted.count) counted"
                    try await transaction.record(audit)
                }
                let stored = batch.filter { inserted.contains($0.id) }.map(\.stored)
                let reached = try await CountedChanges.record(
                    started: stored, stopped: [], in: transaction, receipts: receipts, at: now)
                return (stored, try await goals.tell(reached, in: transaction, at: now))
            }
            return ((stored, toldGoals), Dictionary(stored.map { ($0.petitionID, 1) }, uniquingKeysWith: +))
        }
        if toldGoals { goals.queued() }
        return stored
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { commits in
                var inFlight = 0
                for await _ in doorbell {
                    await drain(into: &commits, inFlight: &inFlight)
                }
                // Shutting down: finish what was accepted before the doorbell closed.
                await drain(into: &commits, inFlight: &inFlight)
            }
        } onGracefulShutdown: {
            self.queue.withLock { $0.accepting = false }
            self.ring.finish()
        }
        let left = queue.withLock { queue in
            queue.accepting = false
            let left = queue.commands
            queue.commands.removeAll()
            return left
        }
        for command in left { command.fail(Overloaded()) }
    }

    private func submit(_ command: Command) {
        let accepted = queue.withLock { queue in
            guard queue.accepting, queue.commands.count < capacity else { return false }
            queue.commands.append(command)
            return true
        }
        if accepted {
            ring.yield()
        } else {
            command.fail(Overloaded())
        }
    }

    /// Commits what is queued, batch after batch, up to the store's ``SignatureStore/concurrentWrites``
    /// batches at once. A batch is taken only once there is room for it, so that it takes
    /// everything queued while the others committed; and it goes beside one still committing
    /// only when at least ``concurrentBatchMinimum`` commands wait. Each transaction costs the
    /// database and this process CPU of its own: on PostgreSQL, with 64 clients on two cores,
    /// two batches at once of about 19 confirmations cost PostgreSQL a third more CPU a
    /// confirmation, and this process a sixth more, than one at a time of about 31.
    private func drain(into commits: inout TaskGroup<Void>, inFlight: inout Int) async {
        while true {
            while inFlight >= concurrentWrites
                || (inFlight > 0 && queue.withLock({ $0.commands.count }) < Self.concurrentBatchMinimum)
            {
                guard await commits.next() != nil else { break }
                inFlight -= 1
            }
            let batch = queue.withLock { queue in
                let batch = Array(queue.commands.prefix(maximumBatch))
                queue.commands.removeFirst(batch.count)
                return batch
            }
            if batch.isEmpty { return }
            commits.addTask { await self.commit(batch) }
            inFlight += 1
        }
    }

    /// Commits a batch. If it fails, the first command is tried alone: when that fails too the
    /// cause is the database itself and the whole batch is answered at once; otherwise the
    /// rest are tried one by one, so that one bad command cannot fail its neighbours.
    private func commit(_ batch: [Command]) async {
        var batch = batch
        if store.insertsNewAtOnce {
            do {
                batch = try await commitNewSignatures(of: batch)
            } catch {
                // Nothing of it was stored: the batch goes the usual way, in one transaction.
                logger.warning("insert of new signatures failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        guard !batch.isEmpty else { return }
        do {
            try await commitTogether(batch)
            return
        } catch {
            logger.warning(
                "group commit failed", metadata: ["error": "\(String(reflecting: error))", "batch": "\(batch.count)"])
        }
        for (index, command) in batch.enumerated() {
            do {
                try await commitTogether([command])
            } catch {
                logger.error("signature write failed", metadata: ["error": "\(String(reflecting: error))"])
                if index == 0 {
                    for command in batch { command.fail(WriteFailed()) }
                    return
                }
                command.fail(WriteFailed())
            }
        }
    }

    /// Stores the batch's signings, with their confirmation requests, where the store does that
    /// at less cost than a transaction (``SignatureStore/insertsNewAtOnce``), and answers those
    /// stored. Returns the rest of the batch for ``commitTogether(_:)``: its other commands, and
    /// the signings of an address that has signed already.
    private func commitNewSignatures(of batch: [Command]) async throws -> [Command] {
        let jobs = batch.compactMap { command -> SigningJob? in
            if case .sign(let job, _) = command { return job } else { return nil }
        }
        guard !jobs.isEmpty else { return batch }
        let signatures = jobs.map(\.signature)
        let now = clock.now
        let reservation = handover?.reserve(signatures.count, at: now)
        var emails = Self.outgoing(
            jobs.map { mailer.queuedConfirmationRequest(for: $0.signature, signer: $0.signer) }, lease: reservation, now
        )
        emails.sent = handover?.takeSentForCommit() ?? []
        let inserted: Set<UUID>
        do {
            inserted = try await store.insertNew(signatures, queueing: emails)
        } catch {
            if let reservation { handover?.release(reservation) }
            handover?.commitEnded(failing: emails.sent)
            throw error
        }
        handover?.commitEnded(failing: [])
        let queued = emails.about(signatures: inserted)
        if let reservation { handover?.handOver(queued.leased, for: reservation) }
        if !queued.isEmpty { committed(!queued.claimable.isEmpty) }
        var rest: [Command] = []
        for command in batch {
            if case .sign(let job, let continuation) = command, inserted.contains(job.signature.id) {
                continuation.resume(returning: .accepted)
            } else {
                rest.append(command)
            }
        }
        return rest
    }

    private func commitTogether(_ batch: [Command]) async throws {
        let (mailer, store, receipts, goals, now) = (
            self.mailer, self.store, self.receipts, self.goals, clock.now
        )
        // A signing or a confirmation queues one email at most.
        let reservation = handover?.reserve(batch.count { !$0.isWithdrawal }, at: now)
        let sent = handover?.takeSentForCommit() ?? []
        let result: BatchResult
        do {
            result = try await counts.recording {
                let result = try await store.write { transaction in
                    try await Self.apply(
                        batch, in: transaction, mailer: mailer, receipts: receipts, goals: goals,
                        lease: reservation, sent: sent, now: now)
                }
                return (result, result.countDeltas)
            }
        } catch {
            if let reservation { handover?.release(reservation) }
            handover?.commitEnded(failing: sent)
            throw error
        }
        handover?.commitEnded(failing: [])
        if let reservation { handover?.handOver(result.leased, for: reservation) }
        // Receipts of the signatures just withdrawn may wait here from an earlier batch; a
        // receipt's id is its signature's (``SignerMail/queuedReceipt(for:sealedPersonalData:)``).
        handover?.drop(result.withdrawn)
        if result.queuedEmail { committed(result.queuedUnleased) }
        if result.toldGoals { goals.queued() }
        for (command, outcome) in zip(batch, result.outcomes) {
            switch (command, outcome) {
            case (.sign(_, let continuation), .sign(let outcome)): continuation.resume(returning: outcome)
            case (.confirm(_, let continuation), .confirm(let outcome)): continuation.resume(returning: outcome)
            case (.withdraw(_, let continuation), .withdraw(let outcome)): continuation.resume(returning: outcome)
            // `apply` answers each command in order with its own kind, so this never happens.
            default: command.fail(MismatchedOutcome())
            }
        }
    }

    private enum Outcome: Sendable {
        case sign(SignOutcome)
        case confirm(ConfirmOutcome)
        case withdraw(WithdrawOutcome)
    }

    private struct BatchResult: Sendable {
        var outcomes: [Outcome]
        var countDeltas: [UUID: Int]
        var queuedEmail: Bool
        /// The emails queued leased to this instance, for its outbox's hand-over.
        var leased: [QueuedEmail]
        /// Whether some emails were queued without a lease, for the outbox worker to claim.
        var queuedUnleased: Bool
        /// Whether organizers' emails about goals reached were queued.
        var toldGoals: Bool
        /// The signatures withdrawn, whose receipts may still wait in the hand-over.
        var withdrawn: Set<UUID>
    }

    private static func apply(
        _ batch: [Command], in transaction: any SignatureWriteTransaction, mailer: SignerMail, receipts: ReceiptCodes,
        goals: GoalNotices,
        lease: OutboxHandover.Reservation?, sent: [UUID], now: Date
    ) async throws -> BatchResult {
        let jobs = batch.compactMap { command -> SigningJob? in
            if case .sign(let job, _) = command { return job } else { return nil }
        }
        let inserted = try await transaction.insertNew(jobs.map(\.signature))
        var emails: [QueuedEmail] = []
        for job in jobs {
            if inserted.contains(job.signature.id) {
                emails.append(mailer.queuedConfirmationRequest(for: job.signature, signer: job.signer))
                continue
            }
            // Signing again: the same answer as the first time, and the mailbox owner (only
            // they) learns where things stand. While unconfirmed, the latest signing replaces
            // the earlier one, so nobody who signs first with another's address chooses the
            // name, country or consents that the mailbox owner then confirms.
            let existing = try await transaction.signature(
                petitionID: job.signature.petitionID, fingerprint: job.signature.emailFingerprint)
            guard let existing else { continue }
            switch existing.state {
            case .pending:
                // Sealed anew for the row it goes into: sealed values open only in their own row.
                var replacement = job.signature
                replacement.id = existing.id
                replacement.sealedPersonalData = try mailer.sealer.seal(job.signer, in: .signature(existing.id))
                guard try await transaction.replacePending(existing.id, with: replacement) else { continue }
                emails.append(mailer.queuedConfirmationRequest(for: replacement, signer: job.signer))
            case .confirmed:
                emails.append(try mailer.alreadySigned(request: job.request, petition: job.petition))
            case .withdrawn, .invalidated:
                break
            }
        }

        let confirmIDs = batch.compactMap { command -> UUID? in
            if case .confirm(let id, _) = command { return id } else { return nil }
        }
        let confirmedRows = try await transaction.confirm(confirmIDs, at: now)
        let confirmed = confirmedRows.map(\.signature)
        let confirmedPetitions = Dictionary(confirmed.map { ($0.id, $0.petitionID) }, uniquingKeysWith: { a, _ in a })
        var deltas: [UUID: Int] = [:]
        for signature in confirmed { deltas[signature.petitionID, default: 0] += 1 }
        for row in confirmedRows {
            // Only a signature whose name and address were erased has none to send to.
            guard let sealedPersonalData = row.sealedPersonalData else { continue }
            emails.append(mailer.queuedReceipt(for: row.signature, sealedPersonalData: sealedPersonalData))
        }

        // Withdrawals come last, so a confirmation and a withdrawal in one batch end withdrawn.
        let withdrawIDs = batch.compactMap { command -> UUID? in
            if case .withdraw(let id, _) = command { return id } else { return nil }
        }
        let withdrawn = try await transaction.withdraw(withdrawIDs, at: now)
        for signature in withdrawn where signature.state == .confirmed { deltas[signature.petitionID, default: 0] -= 1 }
        // The withdrawal dropped the receipts queued before it; the emails about a signature
        // withdrawn in this very batch are not queued at all.
        let withdrawnIDs = Set(withdrawn.map(\.id))
        emails.removeAll { email in email.signerEmail.map { withdrawnIDs.contains($0.signatureID) } ?? false }

        var queued = outgoing(emails, lease: lease, now)
        queued.sent = sent
        let reached = try await CountedChanges.record(
            started: confirmed,
            stopped: withdrawn.filter { $0.state == .confirmed }.map { .init(signature: $0, kind: .withdrawal) },
            in: transaction, receipts: receipts, at: now, queueing: queued)
        // Almost never anything: only the batch that first reaches a goal.
        let toldGoals = reached.isEmpty ? false : try await goals.tell(reached, in: transaction, at: now)
        let remaining = withdrawIDs.isEmpty ? [:] : try await transaction.signatures(ids: Array(Set(withdrawIDs)))

        // The rest were confirmed already, or cannot be: one query tells which.
        let unconfirmed = confirmIDs.filter { confirmedPetitions[$0] == nil }
        let others = unconfirmed.isEmpty ? [:] : try await transaction.signatures(ids: Array(Set(unconfirmed)))
        var outcomes: [Outcome] = []
        var alreadyReported = Set<UUID>()
        for command in batch {
            switch command {
            case .sign:
                outcomes.append(.sign(.accepted))
            case .confirm(let id, _):
                if let petitionID = confirmedPetitions[id] {
                    // The same link confirmed twice in one batch: the first confirms, the rest agree.
                    let first = alreadyReported.insert(id).inserted
                    outcomes.append(
                        .confirm(first ? .confirmed(petitionID: petitionID) : .alreadyConfirmed(petitionID: petitionID))
                    )
                } else if let existing = others[id] {
                    outcomes.append(
                        .confirm(
                            existing.state == .confirmed
                                ? .alreadyConfirmed(petitionID: existing.petitionID)
                                : .notConfirmable(petitionID: existing.petitionID, state: existing.state)))
                } else {
                    outcomes.append(.confirm(.notFound))
                }
            case .withdraw(let id, _):
                outcomes.append(.withdraw(withdrawOutcome(remaining[id])))
            }
        }
        return BatchResult(
            outcomes: outcomes, countDeltas: deltas, queuedEmail: !queued.isEmpty, leased: queued.leased,
            queuedUnleased: !queued.claimable.isEmpty, toldGoals: toldGoals, withdrawn: withdrawnIDs)
    }

    /// The first of `emails` leased to this instance, as many as `lease` reserved; the rest
    /// left for any worker to claim.
    private static func outgoing(_ emails: [QueuedEmail], lease: OutboxHandover.Reservation?, _ now: Date)
        -> OutgoingEmails
    {
        let leased = lease.map { Array(emails.prefix($0.count)) } ?? []
        return OutgoingEmails(
            claimable: Array(emails.dropFirst(leased.count)), leased: leased, leaseUntil: lease?.leaseUntil ?? now)
    }
}

/// What the writer does when a petition's count reaches its organizer's goal for the first
/// time (``CountedChanges`` finds and marks it): the audit event, and the emails to the
/// organization's members who asked, in the transaction that reached it. Those emails are
/// read and written in the writer's loop, but only at that crossing, once per goal.
struct GoalNotices: Sendable {
    let notices: OrganizerNotices?
    let petitions: @Sendable (UUID) async throws -> Petition?
    let logger: Logger

    /// Returns whether emails were queued.
    func tell(_ reached: [Goal.Reached], in transaction: any SignatureWriteTransaction, at now: Date) async throws
        -> Bool
    {
        var emails: [QueuedEmail] = []
        for goal in reached {
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: nil, action: .goalReached, subjectType: "petition",
                    subjectID: goal.petitionID.text, organizationID: goal.organizationID,
                    details: OrganizationActivity.goalDetails(goal: goal.goal, count: goal.count)))
            guard let notices, goal.organizationID != nil else { continue }
            // The signatures do not wait on the news: were the members' addresses unreadable
            // now, the goal would still be reached, audited and on the organization's timeline.
            do {
                guard let petition = try await petitions(goal.petitionID) else { continue }
                emails += try await notices.emails(.goalReached(goal: goal.goal, count: goal.count), about: petition)
            } catch {
                logger.error(
                    "could not write the emails of a goal reached",
                    metadata: ["petition": "\(goal.petitionID)", "error": "\(String(reflecting: error))"])
            }
        }
        if !emails.isEmpty { try await transaction.enqueue(emails) }
        return !emails.isEmpty
    }

    func queued() {
        notices?.queued()
    }
}

extension SignatureWriter {
    private static func withdrawOutcome(_ signature: Signature?) -> WithdrawOutcome {
        guard let signature else { return .notFound }
        switch signature.state {
        case .withdrawn: return .withdrawn(petitionID: signature.petitionID)
        case .pending, .confirmed, .invalidated:
            return .notWithdrawable(petitionID: signature.petitionID, state: signature.state)
        }
    }
}

/// A signature given to the batch form without its confirmation time.
public struct UnconfirmedInBatch: Error, Sendable {}

/// A batch for a petition that no longer counts new signatures (``ConfirmationWindow``).
public struct PetitionNotCounting: Error, Sendable {}

/// The write queue is full or the server is shutting down: try again shortly.
public struct Overloaded: Error, Sendable {}

/// The database did not take the write (it is unreachable, say); nothing was stored.
public struct WriteFailed: Error, Sendable {}
