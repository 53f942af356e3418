import Foundation
import Synchronization

/// Emails that this instance's signature writer queued already leased to this instance, in
/// the transaction that queued them, and hands to its outbox worker in memory once that
/// transaction commits. They go out without being claimed and read back from the database,
/// which cost the database about as much as queueing them.
///
/// The rows stay the truth. An email handed over is in the outbox, leased like a claimed
/// one: if this instance stops before sending it, it waits out its lease and goes out
/// through any instance, as a claimed one would. One that waited here longer than
/// ``checkedAfter`` goes out only if its row is still there to renew its lease: a withdrawal,
/// an invalidation or an erasure made elsewhere (another instance, the command line, a
/// moderator) deletes rows without telling this hand-over. Bounded: past `capacity` emails
/// reserved or waiting here, the writer queues emails unleased, for the worker to claim as
/// before.
///
/// The other way, while the writer commits, it keeps the ids of the emails the worker sent
/// until the writer's next commit deletes their rows with its own: one commit instead of two
/// while people sign. The worker deletes them itself when no commit is under way, or once
/// they waited ``sentWait``.
public final class OutboxHandover: Sendable {
    /// Room for `count` emails, leased until `leaseUntil`, made at `madeAt`.
    public struct Reservation: Sendable {
        public let count: Int
        public let leaseUntil: Date
        public let madeAt: Date
    }

    private struct Waiting {
        var emails: [QueuedEmail]
        var leaseUntil: Date
        /// When their reservation was made, just before their transaction.
        var since: Date
    }

    /// Emails handed over, taken by the worker under one lease.
    struct Taken {
        var emails: [QueuedEmail]
        var leaseUntil: Date
        /// When the oldest of them was reserved.
        var since: Date
        /// Those dropped since they were taken (``drop(_:)``).
        var unsendable: UnsendableEmails
    }

    private struct State {
        /// Reserved and not released, waiting here included.
        var held = 0
        var waiting: [Waiting] = []
        /// Sent, their rows not deleted yet.
        var sent: [UUID] = []
        /// When the oldest of `sent` was sent.
        var sentSince: ContinuousClock.Instant?
        /// Commits of the writer started and not ended.
        var commitsUnderWay = 0
        /// Taken by the worker and not done with yet, each with what of its batch must no
        /// longer go.
        var withWorker: [UUID: UnsendableEmails] = [:]

        mutating func keepSent(_ ids: [UUID], at now: ContinuousClock.Instant) {
            sent += ids
            if sentSince == nil { sentSince = now }
        }

        mutating func takeSent() -> [UUID] {
            sentSince = nil
            defer { sent = [] }
            return sent
        }
    }

    private let capacity: Int
    private let lease: TimeInterval
    /// Too little of a lease to renew it safely before it ends.
    static let lastMoment: TimeInterval = 1
    /// How long an email may wait here and still go out with no look at its row: taken at
    /// once, as while people sign, emails go out without a statement of their own.
    static let checkedAfter: TimeInterval = 1
    /// How long a sent email's row waits for a commit to delete it, on the monotonic clock.
    let sentWait: Duration
    private let state = Mutex(State())

    /// - Parameter sentWait: how long a sent email's row waits for a commit to delete it: many
    ///   of the writer's commits while people sign, and a small part of the shortest lease
    ///   (3 s), which the row keeps until it is deleted.
    public init(capacity: Int = 512, lease: Duration, sentWait: Duration = .milliseconds(100)) {
        self.capacity = max(0, capacity)
        self.lease = lease.timeInterval
        self.sentWait = sentWait
    }

    /// Room for up to `count` emails, or `nil` when there is none.
    public func reserve(_ count: Int, at now: Date) -> Reservation? {
        guard count > 0 else { return nil }
        let granted = state.withLock { state -> Int in
            let granted = max(0, min(count, capacity - state.held))
            state.held += granted
            return granted
        }
        guard granted > 0 else { return nil }
        // On a whole second: the commits of one second share a lease, and go out together.
        return Reservation(
            count: granted, leaseUntil: Date(timeIntervalSince1970: (now.timeIntervalSince1970 + lease).rounded(.up)),
            madeAt: now)
    }

    /// Hands over the emails committed leased under `reservation`, at most its count; the
    /// room left over is released.
    public func handOver(_ emails: [QueuedEmail], for reservation: Reservation) {
        // Each goes out from its message, or its signer's data, when it has them; its sealed
        // copy, the row's, need not wait here as well.
        let handed = emails.prefix(reservation.count).map { email in
            guard email.message != nil || email.signer != nil else { return email }
            var email = email
            email.sealedMessage = []
            return email
        }
        state.withLock { state in
            state.held -= reservation.count - handed.count
            if !handed.isEmpty {
                state.waiting.append(
                    Waiting(emails: handed, leaseUntil: reservation.leaseUntil, since: reservation.madeAt))
            }
        }
    }

    /// Lets go of the emails among `ids`, whose rows were just deleted: the receipt of a
    /// signature withdrawn right after it was confirmed. One the worker has taken is not sent
    /// unless it is going out already (``Taken/unsendable``).
    public func drop(_ ids: Set<UUID>) {
        guard !ids.isEmpty else { return }
        let taken = state.withLock { state in
            for index in state.waiting.indices {
                let before = state.waiting[index].emails.count
                state.waiting[index].emails.removeAll { ids.contains($0.id) }
                state.held -= before - state.waiting[index].emails.count
            }
            state.waiting.removeAll { $0.emails.isEmpty }
            return ids.compactMap { id in state.withWorker[id].map { (id, $0) } }
        }
        for (id, unsendable) in taken { unsendable.add([id]) }
    }

    /// Whether the worker took the email and is not done with it.
    func isWithWorker(_ id: UUID) -> Bool {
        state.withLock { $0.withWorker[id] != nil }
    }

    /// The worker is done with emails it took: sent, failed, dropped or left to be claimed.
    func done(with ids: [UUID]) {
        state.withLock { state in
            for id in ids { state.withWorker[id] = nil }
        }
    }

    /// Releases a reservation whose transaction did not commit.
    public func release(_ reservation: Reservation) {
        state.withLock { $0.held -= reservation.count }
    }

    /// Up to `limit` waiting emails under one lease, the oldest first, for the worker to send
    /// and then call ``done(with:)``. Those whose lease ends within ``lastMoment`` are let go:
    /// sent now, they could go out a second time through the instance that claims them once it
    /// ends.
    func take(limit: Int, at now: Date) -> Taken? {
        state.withLock { state in
            while let first = state.waiting.first, first.leaseUntil.timeIntervalSince(now) < Self.lastMoment {
                state.held -= first.emails.count
                state.waiting.removeFirst()
            }
            guard let leaseUntil = state.waiting.first?.leaseUntil else { return nil }
            var taken: [QueuedEmail] = []
            var since = now
            while taken.count < limit, let first = state.waiting.first, first.leaseUntil == leaseUntil {
                let part = first.emails.prefix(limit - taken.count)
                taken += part
                since = min(since, first.since)
                if part.count == first.emails.count {
                    state.waiting.removeFirst()
                } else {
                    state.waiting[0].emails.removeFirst(part.count)
                }
            }
            state.held -= taken.count
            let unsendable = UnsendableEmails()
            for email in taken { state.withWorker[email.id] = unsendable }
            return Taken(emails: taken, leaseUntil: leaseUntil, since: since, unsendable: unsendable)
        }
    }

    /// Keeps the ids of emails just sent, for a commit to delete their rows.
    func keepSent(_ ids: [UUID]) {
        guard !ids.isEmpty else { return }
        let now = ContinuousClock.now
        state.withLock { $0.keepSent(ids, at: now) }
    }

    /// The ids of the emails sent whose rows wait to be deleted, for a commit of the writer
    /// that starts; it calls ``commitEnded(failing:)`` when it ends.
    public func takeSentForCommit() -> [UUID] {
        state.withLock { state in
            state.commitsUnderWay += 1
            return state.takeSent()
        }
    }

    /// A commit ended; the ids it took are given back when it failed.
    public func commitEnded(failing sent: [UUID]) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.commitsUnderWay -= 1
            if !sent.isEmpty { state.keepSent(sent, at: now) }
        }
    }

    /// The ids of the emails sent for the worker to delete itself: all of them when no commit
    /// of the writer is under way or `all`; otherwise those that waited ``sentWait``, the
    /// commits under way having started before they were sent.
    func takeSentLeftToWorker(all: Bool) -> [UUID] {
        let cutoff = ContinuousClock.now - sentWait
        return state.withLock { state in
            guard all || state.commitsUnderWay == 0 || state.sentSince.map({ $0 <= cutoff }) == true else {
                return []
            }
            return state.takeSent()
        }
    }
}

/// The emails of a batch being sent that must no longer go: dropped from the hand-over since
/// they were taken, or no longer found held by a renewal of the batch's lease.
final class UnsendableEmails: Sendable {
    private let ids = Mutex<Set<UUID>>([])

    func add(_ unsendable: [UUID]) {
        guard !unsendable.isEmpty else { return }
        ids.withLock { $0.formUnion(unsendable) }
    }

    func contains(_ id: UUID) -> Bool {
        ids.withLock { $0.contains(id) }
    }
}
