import Foundation
import SQLKit

/// The outbox: sealed messages, each with its state and the history of its failed attempts.
extension SQLStore {
    /// A confirmation request whose signature is no longer pending is deleted as it is
    /// claimed, unsent. Queued behind a backlog, a flood's requests would otherwise go out to
    /// every address it used after a moderator invalidated it, and the link of a request whose
    /// signature was withdrawn, purged or confirmed meanwhile confirms nothing. The claim reads
    /// each one's signature by its id, so no withdrawal or invalidation needs to read through
    /// the outbox to find its requests.
    func claimDueEmails(limit: Int, now: Date, leaseUntil: Date) async throws -> [ClaimedEmail] {
        let flavor = driver.flavor
        return try await driver.transaction { db in
            var unconfirmable: [UUID] = []
            var claimed: [ClaimedEmail] = []
            for row in try await db.raw(Self.claiming(limit: limit, now: now, leaseUntil: leaseUntil, flavor: flavor))
                .all()
            {
                let email = ClaimedEmail(
                    id: try UUID(text: row.decode(column: "id", as: String.self)),
                    sealedMessage: Array(try row.decode(column: "sealed_message", as: Data.self)),
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    signerEmail: try Self.queuedSignerEmail(in: row))
                if email.signerEmail?.kind == .confirmationRequest,
                    try row.decode(column: "requested_state", as: String?.self) != SignatureState.pending.rawValue
                {
                    unconfirmable.append(email.id)
                } else {
                    claimed.append(email)
                }
            }
            if !unconfirmable.isEmpty {
                try await db.raw(Self.deleting(unconfirmable, flavor: flavor)).run()
            }
            return claimed
        }
    }

    /// Leases up to `limit` due emails, chosen by one run of their subquery
    /// (``SQLFlavor/amongOnce``). As `IN (subquery)`, with statistics taken while the outbox
    /// held one row, PostgreSQL ran the subquery again for each row, each run skipping the rows
    /// just leased and locking the next: one claim leased a whole backlog, in time that grew
    /// with its square. Each confirmation request comes with its signature's state, null for
    /// a signature that is gone.
    static func claiming(limit: Int, now: Date, leaseUntil: Date, flavor: SQLFlavor) -> SQLQueryString {
        """
        UPDATE outbox SET next_attempt_at = \(bind: leaseUntil.millis), attempts = attempts + 1
        WHERE id \(unsafeRaw: flavor.amongOnce.open)SELECT id FROM outbox WHERE state = \(bind: OutboxState.queued.rawValue) AND next_attempt_at <= \(bind: now.millis)
                  ORDER BY next_attempt_at LIMIT \(bind: limit) \(unsafeRaw: flavor.skipLocked)\(unsafeRaw: flavor.amongOnce.close)
        RETURNING id, sealed_message, attempts, created_at, receipt_signature_id, receipt_petition_id,
                  confirmation_signature_id, confirmation_petition_id,
                  (SELECT state FROM signatures WHERE signatures.id = outbox.confirmation_signature_id) AS requested_state
        """
    }

    /// `nil` for a row that is not a signer's email, and for one whose ids do not read: its
    /// sealed data then does not open as a message, and the worker gives it up, where a throw
    /// here would fail every claim that met it.
    private static func queuedSignerEmail(in row: any SQLRow) throws -> QueuedSignerEmail? {
        for kind in QueuedSignerEmail.Kind.allCases {
            let columns = OutboxInserts.columns(of: kind)
            guard let signatureID = try row.decode(column: columns.signature, as: String?.self) else { continue }
            guard
                let signatureID = try? UUID(text: signatureID),
                let petitionID = try row.decode(column: columns.petition, as: String?.self)
                    .flatMap({ try? UUID(text: $0) })
            else { return nil }
            return QueuedSignerEmail(kind, signatureID: signatureID, petitionID: petitionID)
        }
        return nil
    }

    func renewLease(_ ids: [UUID], heldUntil: Date, until: Date) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let flavor = driver.flavor
        return try await driver.transaction { db in
            var renewed: Set<UUID> = []
            for chunk in ids.chunks(of: 500) {
                let rows = try await db.raw(
                    """
                    UPDATE outbox SET next_attempt_at = \(bind: until.millis)
                    WHERE \(flavor.among("id", chunk.map(\.text))) AND state = \(bind: OutboxState.queued.rawValue)
                          AND next_attempt_at = \(bind: heldUntil.millis)
                          AND (confirmation_signature_id IS NULL
                               OR (SELECT state FROM signatures WHERE signatures.id = outbox.confirmation_signature_id) = \(bind: SignatureState.pending.rawValue))
                    RETURNING id
                    """
                ).all()
                for row in rows { renewed.insert(try UUID(text: row.decode(column: "id", as: String.self))) }
            }
            return renewed
        }
    }

    func markSent(_ ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        // The message holds personal data: once sent, nothing of it is kept, its attempts
        // neither (they are in its row).
        try await driver.run(Self.deletingSent(ids, flavor: driver.flavor))
    }

    /// The statements that delete the rows of the emails sent `ids`: one on PostgreSQL, which
    /// binds them as one array; on SQLite one every 500, under its limit of bound values.
    static func deletingSent(_ ids: [UUID], flavor: SQLFlavor) -> [SQLQueryString] {
        guard !ids.isEmpty else { return [] }
        if flavor.bindsColumns { return [deleting(ids, flavor: flavor)] }
        return ids.chunks(of: 500).map { deleting(Array($0), flavor: flavor) }
    }

    static func deleting(_ ids: [UUID], flavor: SQLFlavor) -> SQLQueryString {
        "DELETE FROM outbox WHERE \(flavor.among("id", ids.map(\.text)))"
    }

    func markFailed(_ id: UUID, attempt: DeliveryAttempt, retryAt: Date) async throws {
        try await record(attempt, of: id, state: .queued, nextAttemptAt: retryAt)
    }

    func markUndeliverable(_ id: UUID, attempt: DeliveryAttempt) async throws {
        try await record(attempt, of: id, state: .failed, nextAttemptAt: attempt.at)
    }

    private func record(_ attempt: DeliveryAttempt, of id: UUID, state: OutboxState, nextAttemptAt: Date) async throws {
        // Given up on, a message is kept for the operator to see why, without what it said: it
        // will never be sent, so the name and address sealed in it have no reason to stay.
        let content: SQLQueryString = state == .failed ? ", sealed_message = \(bind: Data())" : ""
        let flavor = driver.flavor
        try await driver.transaction { db in
            let row = try await db.raw(
                "SELECT attempt_history FROM outbox WHERE id = \(bind: id.text) \(unsafeRaw: flavor.lockRows)"
            ).first()
            // Dropped while it was being sent (a receipt whose signature was withdrawn).
            guard let row else { return }
            var history = try AttemptHistory.decode(row.decode(column: "attempt_history", as: String?.self))
            // A lease that ran out while this attempt was slow may have let another worker try
            // under the same number: the first record stands.
            if !history.contains(where: { $0.number == attempt.number }) { history.append(attempt) }
            try await db.raw(
                """
                UPDATE outbox SET state = \(bind: state.rawValue), next_attempt_at = \(bind: nextAttemptAt.millis),
                       last_error = \(bind: attempt.detail), attempt_history = \(bind: try AttemptHistory.encode(history))\(content)
                WHERE id = \(bind: id.text)
                """
            ).run()
        }
    }

    /// Counting walks the queue's whole index: through the walks' connection, so that a
    /// backlog's index pages do not fill the readers' caches.
    func pendingEmailCount() async throws -> Int {
        try await driver.scan { db in
            try await db.count("SELECT COUNT(*) AS n FROM outbox WHERE state = \(bind: OutboxState.queued.rawValue)")
        }
    }

    /// Read from the index `outbox_due` alone (migration 24), however large the queue.
    static let outboxStatusQuery: SQLQueryString =
        "SELECT state, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox GROUP BY state"

    /// Like ``pendingEmailCount()``, through the walks' connection: at every scrape of
    /// `/metrics`, it reads every entry of the index.
    func outboxStatus() async throws -> OutboxStatus {
        try await driver.scan { db in
            var status = OutboxStatus(queued: 0, failed: 0, oldestQueuedAt: nil)
            for row in try await db.raw(Self.outboxStatusQuery).all() {
                let count = try row.decode(column: "n", as: Int.self)
                switch try OutboxState(stored: row.decode(column: "state", as: String.self)) {
                case .queued:
                    status.queued = count
                    status.oldestQueuedAt = try row.decode(column: "oldest", as: Int64?.self).map(Date.init(millis:))
                case .failed:
                    status.failed = count
                }
            }
            return status
        }
    }

    func outboxEntries(limit: Int) async throws -> [OutboxEntry] {
        try await driver.read { db in
            try await db.raw(
                """
                SELECT id, state, created_at, next_attempt_at, attempts, attempt_history FROM outbox
                ORDER BY created_at, id LIMIT \(bind: limit)
                """
            ).all().map { row in
                OutboxEntry(
                    id: try UUID(text: row.decode(column: "id", as: String.self)),
                    state: try OutboxState(stored: row.decode(column: "state", as: String.self)),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    nextAttemptAt: Date(millis: try row.decode(column: "next_attempt_at", as: Int64.self)),
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    history: try AttemptHistory.decode(row.decode(column: "attempt_history", as: String?.self)))
            }
        }
    }

    func deleteUndeliverable(before cutoff: Date) async throws -> Int {
        try await driver.transaction { db in
            let condition: SQLQueryString =
                "state = \(bind: OutboxState.failed.rawValue) AND next_attempt_at < \(bind: cutoff.millis)"
            return try await db.raw("DELETE FROM outbox WHERE " + condition + " RETURNING id").all().count
        }
    }
}

/// An email's failed attempts, oldest first, kept in its row as JSON (migration 30).
enum AttemptHistory {
    private struct Stored: Codable {
        var number: Int
        var at: Int64
        var outcome: String
        var replyCode: Int?
        var detail: String
    }

    static func decode(_ text: String?) throws -> [DeliveryAttempt] {
        guard let text else { return [] }
        return try JSONDecoder().decode([Stored].self, from: Data(text.utf8)).map { stored in
            DeliveryAttempt(
                number: stored.number, at: Date(millis: stored.at),
                outcome: try DeliveryAttempt.Outcome(stored: stored.outcome), replyCode: stored.replyCode,
                detail: stored.detail)
        }
    }

    static func encode(_ history: [DeliveryAttempt]) throws -> String {
        let stored = history.map {
            Stored(
                number: $0.number, at: $0.at.millis, outcome: $0.outcome.rawValue, replyCode: $0.replyCode,
                detail: $0.detail)
        }
        return String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
    }
}
