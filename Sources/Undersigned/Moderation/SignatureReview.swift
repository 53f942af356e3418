import Foundation

/// A moderator's view of where a petition's recent signatures come from, and the means to
/// invalidate a batch of them with a recorded reason. Email domains are read from the sealed
/// personal data as the review runs; no domain is stored in clear.
public struct SignatureReview: Sendable {
    let store: any SignatureReviewStore & SignatureStore
    let sealer: PersonalDataSealer
    let receipts: ReceiptCodes
    let clock: WallClock

    public init(
        store: any SignatureReviewStore & SignatureStore, sealer: PersonalDataSealer, receipts: ReceiptCodes,
        clock: WallClock = .system
    ) {
        self.store = store
        self.sealer = sealer
        self.receipts = receipts
        self.clock = clock
    }

    /// Signatures of one email domain within the window, by state, with their busiest hour.
    public struct DomainActivity: Sendable, Equatable {
        public var domain: String
        public var pending = 0
        public var confirmed = 0
        public var busiestHour = 0
        public var total: Int { pending + confirmed }
    }

    /// Pending and confirmed signatures made in `window`, grouped by email domain, largest first.
    public func domains(petitionID: UUID, window: ClosedRange<Date>) async throws -> [DomainActivity] {
        var activity: [String: DomainActivity] = [:]
        var perHour: [String: [Int64: Int]] = [:]
        try await forEach(petitionID: petitionID, window: window) { signature, domain in
            var entry = activity[domain] ?? DomainActivity(domain: domain)
            if signature.state == .confirmed { entry.confirmed += 1 } else { entry.pending += 1 }
            activity[domain] = entry
            perHour[domain, default: [:]][Int64(signature.createdAt.timeIntervalSince1970) / 3600, default: 0] += 1
        }
        for (domain, hours) in perHour { activity[domain]?.busiestHour = hours.values.max() ?? 0 }
        return activity.values.sorted { ($0.total, $1.domain) > ($1.total, $0.domain) }
    }

    /// Invalidates the pending and confirmed signatures of `domain` made in `window`; confirmed
    /// ones leave the count, through ``CountedChanges`` like a withdrawal. The batch, its
    /// criteria and reason are recorded in the same transaction.
    public func invalidate(petitionID: UUID, domain: String, window: ClosedRange<Date>, reason: String) async throws
        -> Invalidation
    {
        let reason = reason.trimmed()
        guard !reason.isEmpty else { throw ReviewError.reasonRequired }
        let domain = domain.lowercased()
        var ids: [UUID] = []
        try await forEach(petitionID: petitionID, window: window) { signature, signatureDomain in
            if signatureDomain == domain { ids.append(signature.id) }
        }
        let formatter = ISO8601DateFormatter()
        let invalidation = Invalidation(
            id: UUID.random(), petitionID: petitionID, reason: reason,
            criteria:
                "email domain \(domain), signed from \(formatter.string(from: window.lowerBound)) to \(formatter.string(from: window.upperBound))",
            signatures: 0, createdAt: clock.now)
        let (receipts, selected) = (self.receipts, ids)
        return try await store.write { transaction in
            let (recorded, affected) = try await transaction.invalidate(selected, as: invalidation)
            try await CountedChanges.record(
                started: [],
                stopped: affected.filter { $0.state == .confirmed }.map { .init(signature: $0, kind: .invalidation) },
                in: transaction, receipts: receipts, at: recorded.createdAt)
            return recorded
        }
    }

    public enum ReviewError: Error, CustomStringConvertible {
        case reasonRequired

        public var description: String { "an invalidation needs a reason, which is recorded with it" }
    }

    private func forEach(
        petitionID: UUID, window: ClosedRange<Date>, _ body: (Signature, _ domain: String) throws -> Void
    ) async throws {
        var cursor: SignatureCursor?
        repeat {
            let page = try await store.signaturePage(
                petitionID: petitionID, states: [.pending, .confirmed], window: window, after: cursor, limit: 5000)
            for (signature, sealed) in page {
                let email = try sealer.open(PersonalData.self, from: sealed, in: .signature(signature.id)).email
                try body(
                    signature,
                    String(email[email.index(after: email.lastIndex(of: "@") ?? email.startIndex)...]).lowercased())
            }
            cursor = page.last.map { SignatureCursor(createdAt: $0.signature.createdAt, id: $0.signature.id) }
        } while cursor != nil
    }
}

/// A batch of signatures a moderator invalidated, and why.
public struct Invalidation: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    public var reason: String
    /// What selected the batch, in words.
    public var criteria: String
    public var signatures: Int
    public var createdAt: Date
}

/// Where in a petition's signatures, by creation, a page of a review ended.
public struct SignatureCursor: Sendable, Equatable {
    public var createdAt: Date
    public var id: UUID
}

public protocol SignatureReviewStore: Sendable {
    /// Signatures in one of `states` that still have personal data, made in `window`, after
    /// `cursor` in (creation time, id) order: pages that read millions in constant memory.
    func signaturePage(
        petitionID: UUID, states: [SignatureState], window: ClosedRange<Date>, after cursor: SignatureCursor?,
        limit: Int
    ) async throws -> [(signature: Signature, sealedPersonalData: [UInt8])]
}
