import Foundation
import SQLKit

/// What transactions of every kind write beside their own rows: the emails they cause, into
/// the outbox, and their audit events. Each transaction type hands these here, so no domain
/// borrows another's transaction to send an email or leave a trace.
extension SQLDatabase {
    func enqueue(_ emails: [QueuedEmail], flavor: SQLFlavor) async throws {
        try await enqueue(OutgoingEmails(claimable: emails), flavor: flavor)
    }

    /// Queues `emails` and deletes the rows of those it names sent.
    func enqueue(_ emails: OutgoingEmails, flavor: SQLFlavor) async throws {
        for statement in OutboxInserts.statements(emails, flavor: flavor) { try await raw(statement).run() }
    }

    /// Drops the emails still queued about the signatures that `signatureIDs` selects (a list of
    /// binds or a subquery): their receipts, queued under their own ids
    /// (``SignerMail/queuedReceipt(for:sealedPersonalData:)``), and their news, found by its
    /// own index. Each holds a copy of its signer's name and address. With `newsOnly`, the
    /// receipts stay.
    func dropQueuedEmails(aboutSignatures signatureIDs: SQLQueryString, newsOnly: Bool = false) async throws {
        if !newsOnly {
            try await raw("DELETE FROM outbox WHERE id IN (\(signatureIDs)) AND receipt_signature_id = id").run()
        }
        try await raw("DELETE FROM outbox WHERE news_signature_id IN (\(signatureIDs))").run()
    }

    func record(_ event: AuditEvent) async throws {
        try await raw(
            """
            INSERT INTO audit_events (id, at, actor_account_id, actor_label, action, subject_type, subject_id, organization_id, details)
            VALUES (\(bind: event.id.text), \(bind: event.at.millis), \(bind: event.actorID?.text), \(bind: event.actorLabel), \(bind: event.action.rawValue),
                    \(bind: event.subjectType), \(bind: event.subjectID), \(bind: event.organizationID?.text), \(bind: event.details))
            """
        ).run()
    }
}

/// The statements that queue emails, for a transaction that runs them with others.
enum OutboxInserts {
    /// Inserts of `rowsEach` emails at most, then the deletes of the rows of those sent.
    static func statements(_ emails: OutgoingEmails, rowsEach: Int = 400, flavor: SQLFlavor) -> [SQLQueryString] {
        rowsOf(emails).chunks(of: rowsEach).map { chunk in
            "INSERT INTO outbox (\(unsafeRaw: columns)) \(rows(chunk).source(flavor))"
        } + SQLStore.deletingSent(emails.sent, flavor: flavor)
    }

    static let columns =
        "id, sealed_message, created_at, next_attempt_at, attempts, receipt_signature_id, receipt_petition_id, confirmation_signature_id, confirmation_petition_id, news_signature_id"

    /// The rows of `emails`, leased first then claimable.
    static func rows(_ emails: OutgoingEmails) -> BatchRows {
        rows(rowsOf(emails))
    }

    private static func rowsOf(_ emails: OutgoingEmails) -> [(email: QueuedEmail, leaseUntil: Date?)] {
        emails.leased.map { ($0, emails.leaseUntil) } + emails.claimable.map { ($0, nil) }
    }

    /// An email with `leaseUntil` is queued as claimed by this instance until then, its first
    /// attempt counted, as ``SQLStore/claimDueEmails(limit:now:leaseUntil:)`` would leave it.
    private static func rows(_ emails: some Collection<(email: QueuedEmail, leaseUntil: Date?)>) -> BatchRows {
        let receipts = emails.map { $0.email.signerEmail?.kind == .receipt ? $0.email.signerEmail : nil }
        let confirmations = emails.map {
            $0.email.signerEmail?.kind == .confirmationRequest ? $0.email.signerEmail : nil
        }
        return BatchRows(columns: [
            .text(emails.map(\.email.id.text)), .bytes(emails.map { Data($0.email.sealedMessage) }),
            .integers(emails.map(\.email.createdAt.millis)),
            .integers(emails.map { ($0.leaseUntil ?? $0.email.createdAt).millis }),
            .integers(emails.map { $0.leaseUntil == nil ? 0 : 1 }),
            .text(receipts.map { $0?.signatureID.text }), .text(receipts.map { $0?.petitionID.text }),
            .text(confirmations.map { $0?.signatureID.text }), .text(confirmations.map { $0?.petitionID.text }),
            .text(emails.map { $0.email.newsFor?.text }),
        ])
    }

    /// The columns that name a signer's email's signature and petition, a pair for each kind.
    static func columns(of kind: QueuedSignerEmail.Kind) -> (signature: String, petition: String) {
        switch kind {
        case .receipt: ("receipt_signature_id", "receipt_petition_id")
        case .confirmationRequest: ("confirmation_signature_id", "confirmation_petition_id")
        }
    }
}
