import Foundation

/// The one rule of an honest count: whenever a signature starts or stops counting, its
/// petition's counters (in all, per country, per day and source) and its signature log move
/// with it, in the transaction that changed the row. Every write of a signature's state
/// (confirming, withdrawing, invalidating) ends here, and nothing else moves counters or
/// appends to a log, so the published count, the stored counters and the log agree.
enum CountedChanges {
    /// A signature that stopped counting, as it was while it counted, and why it stopped.
    struct Stopped: Sendable {
        var signature: Signature
        var kind: LogEntryKind
    }

    /// - Parameters:
    ///   - started: signatures that now count, as confirmed (with their confirmation time).
    ///   - stopped: signatures that counted until now.
    static func record(
        started: [Signature], stopped: [Stopped], in transaction: any SignatureWriteTransaction, receipts: ReceiptCodes,
        at date: Date
    ) async throws {
        guard !(started.isEmpty && stopped.isEmpty) else { return }
        try await transaction.adjustCounters(started, by: 1)
        try await transaction.adjustCounters(stopped.map(\.signature), by: -1)
        try await transaction.appendToLog(
            started.map {
                LogEntry(
                    petitionID: $0.petitionID, kind: .confirmation, receiptHash: receipts.hash(for: $0.id),
                    recordedAt: date)
            }
                + stopped.map {
                    LogEntry(
                        petitionID: $0.signature.petitionID, kind: $0.kind,
                        receiptHash: receipts.hash(for: $0.signature.id), recordedAt: date)
                })
    }
}
