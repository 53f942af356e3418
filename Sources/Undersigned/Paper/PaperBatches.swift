import Crypto
import Foundation

/// Where and when a batch of paper signatures was gathered, and by whom.
public struct PaperProvenance: Sendable {
    public var collectedBy: String
    public var place: String
    /// `YYYY-MM-DD`.
    public var collectedOn: String

    public init(collectedBy: String, place: String, collectedOn: String) {
        self.collectedBy = collectedBy.trimmed()
        self.place = place.trimmed()
        self.collectedOn = collectedOn.trimmed()
    }

    /// Noon UTC of the day gathered; nil when it is not a real `YYYY-MM-DD` date.
    var day: Date? {
        let parts = collectedOn.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let components = DateComponents(year: year, month: month, day: day, hour: 12)
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date)
                == DateComponents(
                    year: year, month: month, day: day)
        else { return nil }
        return date
    }
}

public enum PaperBatchError: Error, Sendable, Equatable, CustomStringConvertible {
    case provenanceMissing(String)
    case badDate(String)
    case collectedInTheFuture
    case noSuchBatch
    case alreadyVoid
    case reasonRequired
    case petitionNotCounting

    public var description: String {
        switch self {
        case .provenanceMissing(let what): "say \(what): it is kept with the batch"
        case .badDate(let text): "“\(text.prefix(40))” is not a date: write it as YYYY-MM-DD"
        case .collectedInTheFuture: "the signatures cannot have been gathered after today"
        case .noSuchBatch: "there is no paper batch with this id"
        case .alreadyVoid: "this batch is void already"
        case .reasonRequired: "voiding a batch needs a reason, which is recorded with it"
        case .petitionNotCounting: "the petition no longer counts signatures: it is not open, or closed too long ago"
        }
    }
}

/// Imports paper batches through the same write path and log as online signatures, and
/// voids them. Names and addresses are sealed like online signers'; nothing is emailed to
/// paper signers, and none is subscribed to news, since no one confirmed an address.
public struct PaperBatches: Sendable {
    let store: any Database
    let writer: SignatureWriter
    let sealer: PersonalDataSealer
    let fingerprinter: EmailFingerprinter
    let receipts: ReceiptCodes
    let clock: WallClock

    public init(
        store: any Database, writer: SignatureWriter, sealer: PersonalDataSealer, fingerprinter: EmailFingerprinter,
        receipts: ReceiptCodes, clock: WallClock
    ) {
        self.store = store
        self.writer = writer
        self.sealer = sealer
        self.fingerprinter = fingerprinter
        self.receipts = receipts
        self.clock = clock
    }

    /// Reads the whole file first: one bad line refuses it, and nothing of it is stored
    /// (``PaperSheet/Problems``). Signers whose address signed already are left out.
    public func importFile(_ bytes: [UInt8], into petition: Petition, provenance: PaperProvenance) async throws
        -> PaperBatch
    {
        for (value, name) in [
            (provenance.collectedBy, "who gathered the signatures"), (provenance.place, "where they were gathered"),
        ] where value.isEmpty || value.count > 200 {
            throw PaperBatchError.provenanceMissing(name + " (at most 200 characters)")
        }
        guard let day = provenance.day else { throw PaperBatchError.badDate(provenance.collectedOn) }
        let now = clock.now
        guard day.addingTimeInterval(-12 * 3600) <= now else { throw PaperBatchError.collectedInTheFuture }
        let sheet = try PaperSheet(bytes: bytes)

        let batch = PaperBatch(
            id: UUID.random(), petitionID: petition.id, collectedBy: provenance.collectedBy, place: provenance.place,
            collectedOn: provenance.collectedOn, fileDigest: SHA256.hash(data: bytes).hex,
            signerRows: sheet.rows.count, counted: 0, importedAt: now)
        let signed = min(day, now)
        let signatures = try sheet.rows.map { row in
            let id = UUID.timeOrdered(at: now)
            return NewSignature(
                id: id, petitionID: petition.id,
                // Without an address, a fingerprint that matches no one: counted once, like the form.
                emailFingerprint: row.email.map(fingerprinter.fingerprint)
                    ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) },
                country: row.country, showNamePublicly: row.showName, wantsUpdates: false, source: .paper,
                sealedPersonalData: try sealer.seal(
                    PersonalData(name: row.name, email: row.email?.address ?? ""), in: .signature(id)),
                createdAt: signed, confirmedAt: now, paperBatchID: batch.id)
        }
        let audit = AuditEvent(
            at: now, actorID: nil, action: .paperBatchImported, subjectType: "petition", subjectID: petition.id.text,
            organizationID: petition.organizationID,
            details:
                "paper batch \(batch.id.text) gathered on \(batch.collectedOn) in \(batch.place): \(batch.signerRows) signer(s)"
        )
        do {
            let stored = try await writer.record(signatures, paper: (batch, audit))
            var imported = batch
            imported.counted = stored.count
            return imported
        } catch is PetitionNotCounting {
            throw PaperBatchError.petitionNotCounting
        }
    }

    /// Every signature of the batch that still counts leaves the count, with the log, in one
    /// transaction; the batch stays listed, void, with its reason.
    public func void(_ batchID: UUID, reason: String) async throws -> (batch: PaperBatch, uncounted: Int) {
        let reason = reason.trimmed()
        guard !reason.isEmpty, reason.count <= 1_000 else { throw PaperBatchError.reasonRequired }
        guard let batch = try await store.paperBatch(id: batchID) else { throw PaperBatchError.noSuchBatch }
        let petition = try await store.petition(id: batch.petitionID)
        let (now, receipts) = (clock.now, self.receipts)
        let invalidation = Invalidation(
            id: UUID.random(), petitionID: batch.petitionID, reason: reason,
            criteria: "paper batch \(batch.id.text) voided", signatures: 0, createdAt: now)
        let audit = AuditEvent(
            at: now, actorID: nil, action: .paperBatchVoided, subjectType: "petition",
            subjectID: batch.petitionID.text, organizationID: petition?.organizationID,
            details: "paper batch \(batch.id.text): \(reason)")
        let uncounted = try await store.write { transaction in
            guard try await transaction.voidPaperBatch(batch.id, reason: reason, at: now) else {
                throw PaperBatchError.alreadyVoid
            }
            let ids = try await transaction.countingSignatures(inPaperBatch: batch.id)
            let (_, affected) = try await transaction.invalidate(ids, as: invalidation)
            try await CountedChanges.record(
                started: [],
                stopped: affected.filter { $0.state == .confirmed }.map { .init(signature: $0, kind: .invalidation) },
                in: transaction, receipts: receipts, at: now)
            var audit = audit
            audit.details += " (\(affected.count) uncounted)"
            try await transaction.record(audit)
            return affected.count
        }
        var voided = batch
        voided.voidedAt = now
        voided.voidReason = reason
        return (voided, uncounted)
    }
}
