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

    /// Returns the goals that the count reached for the first time (``Goal/Standing``), marked
    /// told in the same transaction: the caller tells the organization of them. That costs one
    /// comparison per petition, on the count the counters' own statement returned.
    ///
    /// - Parameters:
    ///   - started: signatures that now count, as confirmed (with their confirmation time).
    ///   - stopped: signatures that counted until now.
    @discardableResult
    static func record(
        started: [Signature], stopped: [Stopped], in transaction: any SignatureWriteTransaction, receipts: ReceiptCodes,
        at date: Date
    ) async throws -> [Goal.Reached] {
        guard !(started.isEmpty && stopped.isEmpty) else { return [] }
        var standings: [UUID: Goal.Standing] = [:]
        for standing in try await transaction.adjustCounters(started, by: 1) {
            standings[standing.petitionID] = standing
        }
        // Only a petition whose count rose can reach a goal; its count as the batch leaves it.
        for standing in try await transaction.adjustCounters(stopped.map(\.signature), by: -1)
        where standings[standing.petitionID] != nil {
            standings[standing.petitionID] = standing
        }
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
        var reached: [Goal.Reached] = []
        for standing in standings.values.sorted(by: { $0.petitionID.text < $1.petitionID.text })
        where standing.reachesNewGoal {
            guard try await transaction.markGoalReached(petitionID: standing.petitionID, goal: standing.goal) else {
                continue
            }
            reached.append(
                Goal.Reached(
                    petitionID: standing.petitionID, organizationID: standing.organizationID, goal: standing.goal,
                    count: standing.count))
        }
        return reached
    }
}
