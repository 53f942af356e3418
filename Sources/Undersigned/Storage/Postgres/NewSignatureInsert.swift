import Foundation
import PostgresNIO

/// A batch of new signatures, the emails about them, and the outbox's rows of emails sent
/// (``OutgoingEmails/sent``), in one statement: an email is queued only if its signature was
/// inserted. Prepared, it is parsed and planned once per connection; sent as a statement of
/// its own each time, that took about a fifth of PostgreSQL's time a signature.
struct NewSignatureInsert: PostgresPreparedStatement {
    typealias Row = UUID

    let signatures: BatchRows
    let emails: BatchRows
    let sent: [UUID]

    init(signatures: [NewSignature], emails: OutgoingEmails) {
        self.signatures = SQLSignatureTransaction.rows(signatures)
        self.emails = OutboxInserts.rows(emails)
        self.sent = emails.sent
    }

    /// The parameters are the signatures' columns, the emails' columns, then the sent ids,
    /// each bound as one array (``BatchRows``). The sent rows are deleted by a function
    /// (migration 29) that plans its delete for the outbox as it is at each call; its query is
    /// a condition without columns, which PostgreSQL checks once, before any row, so it runs
    /// even when no signature is inserted.
    static let sql: String = {
        let signatureColumns = SQLSignatureTransaction.insertedColumns
        let emailColumns = OutboxInserts.columns
        let signatureCount = signatureColumns.split(separator: ",").count
        let emailCount = emailColumns.split(separator: ",").count
        let parameters = { (first: Int, count: Int) in
            (first..<(first + count)).map { "$\($0)" }.joined(separator: ", ")
        }
        return """
            WITH inserted AS (
                INSERT INTO signatures (\(signatureColumns))
                SELECT * FROM unnest(\(parameters(1, signatureCount)))
                ON CONFLICT (petition_id, email_fingerprint) DO NOTHING
                RETURNING id
            ), queued AS (
                INSERT INTO outbox (\(emailColumns))
                SELECT * FROM unnest(\(parameters(signatureCount + 1, emailCount))) AS batch (\(emailColumns))
                WHERE COALESCE(receipt_signature_id, confirmation_signature_id) IN (SELECT id FROM inserted)
            ), sent AS (
                SELECT outbox_delete_sent($\(signatureCount + emailCount + 1)) AS deleted
            )
            SELECT id FROM inserted WHERE (SELECT deleted FROM sent) >= 0
            """
    }()

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: signatures.columns.count + emails.columns.count + 1)
        for column in signatures.columns + emails.columns + [.text(sent.map(\.text))] {
            bindings.append(PostgresArray(column), context: .default)
        }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> UUID {
        try UUID(text: row.decode(String.self))
    }
}

extension PostgresDriver: InsertsNewSignaturesAtOnce {
    /// The emails ride in the insert's `WITH` clause, each kept only if its signature was
    /// inserted: one statement whatever the batch's size, prepared once per connection.
    func insertNew(_ signatures: [NewSignature], queueing emails: OutgoingEmails) async throws -> Set<UUID> {
        Set(try await prepared(NewSignatureInsert(signatures: signatures, emails: emails)))
    }
}
