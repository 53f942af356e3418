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
    ///   - emails: the batch's emails, queued with the counters and the log: on PostgreSQL
    ///     in the same statement, one round trip less.
    @discardableResult
    static func record(
        started: [Signature], stopped: [Stopped], in transaction: any SignatureWriteTransaction, receipts: ReceiptCodes,
        at date: Date, queueing emails: OutgoingEmails = OutgoingEmails()
    ) async throws -> [Goal.Reached] {
        guard !(started.isEmpty && stopped.isEmpty) else {
            if !emails.changesNothing { try await transaction.enqueue(emails) }
            return []
        }
        let change = CountedChange(
            started: started, stopped: stopped.map(\.signature),
            entries: started.map {
                LogEntry(
                    petitionID: $0.petitionID, kind: .confirmation, receiptHash: receipts.hash(for: $0.id),
                    recordedAt: date)
            }
                + stopped.map {
                    LogEntry(
                        petitionID: $0.signature.petitionID, kind: $0.kind,
                        receiptHash: receipts.hash(for: $0.signature.id), recordedAt: date)
                })
        // Only a petition whose count rose can reach a goal; its count as the batch leaves it.
        let rising = Set(started.map(\.petitionID))
        var reached: [Goal.Reached] = []
        for standing in try await transaction.record(change, queueing: emails)
            .sorted(by: { $0.petitionID.text < $1.petitionID.text })
        where rising.contains(standing.petitionID) && standing.reachesNewGoal {
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

/// What a batch of signatures starting and stopping to count moves besides their rows: each
/// petition's counters, and the entries appended to its log.
public struct CountedChange: Sendable {
    /// Each petition's net change, with every petition a signature started or stopped counting
    /// in, even when they cancel out.
    public private(set) var petitions: [UUID: Int] = [:]
    public private(set) var countries: [CountryCounter: Int] = [:]
    public private(set) var days: [DayCounter: Int] = [:]
    /// In the order they are appended.
    public let entries: [LogEntry]

    /// A signature that stops counting leaves the day it was confirmed on.
    init(started: [Signature], stopped: [Signature], entries: [LogEntry]) {
        self.entries = entries
        for (signatures, step) in [(started, 1), (stopped, -1)] {
            for signature in signatures {
                petitions[signature.petitionID, default: 0] += step
                countries[CountryCounter(petitionID: signature.petitionID, country: signature.country), default: 0] +=
                    step
                if let confirmedAt = signature.confirmedAt {
                    let day = DayCounter(
                        petitionID: signature.petitionID, day: UTCDay(confirmedAt), source: signature.source)
                    days[day, default: 0] += step
                }
            }
        }
    }
}

/// A petition's count of confirmed signatures from one country.
public struct CountryCounter: Sendable, Hashable {
    public var petitionID: UUID
    public var country: String
}

/// A petition's count of signatures confirmed on one day from one source.
public struct DayCounter: Sendable, Hashable {
    public var petitionID: UUID
    public var day: UTCDay
    public var source: SignatureSource
}
