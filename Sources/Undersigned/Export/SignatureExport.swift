import Foundation

/// The organization's own CSV of a petition's confirmed signatures: when and where each was
/// confirmed and made, the name only of those who asked to be named, the address only of
/// those who asked for news. Withdrawn, invalidated and pending signatures are never in it.
/// Signatures are read a batch at a time and each batch is handed on before the next is
/// read, so a petition of millions is exported in constant memory. Every export is audited.
public struct SignatureExport: Sendable {
    let signatures: any SignatureExportStore
    let petitions: any PetitionStore & PetitionEditingStore
    let sealer: PersonalDataSealer
    let clock: WallClock

    public static let columns = ["confirmed_at", "country", "source", "name", "email"]
    public static let batchSize = 1_000

    public init(
        signatures: any SignatureExportStore, petitions: any PetitionStore & PetitionEditingStore,
        sealer: PersonalDataSealer,
        clock: WallClock = .system
    ) {
        self.signatures = signatures
        self.petitions = petitions
        self.sealer = sealer
        self.clock = clock
    }

    /// Records that `account` starts exporting the petition, with the rows it should hold
    /// (the count at this moment: signatures confirmed while it streams may be in it too).
    @discardableResult
    public func recordStart(of petition: Petition, by account: Account, encryptedTo key: OrganizationPublicKey?)
        async throws -> Int
    {
        let expected = try await petitions.signatureCount(petitionID: petition.id)
        let encryption =
            key.map { "encrypted to the key of fingerprint \($0.fingerprint)" }
            ?? "not encrypted: the organization has no public key"
        let event = PetitionEditor.event(
            .signaturesExported, petition, by: account.id, at: clock.now,
            details:
                "CSV of \(expected) confirmed signatures expected; names of those who asked to be named, addresses of those who asked "
                + "for news; \(encryption)")
        try await petitions.petitionTransaction { transaction in try await transaction.record(event) }
        return expected
    }

    /// Hands the CSV to `write` in pieces: the header, then one piece per batch of rows.
    /// Returns the number of rows written.
    @discardableResult
    public func write(
        petitionID: UUID, batchSize: Int = SignatureExport.batchSize, to write: ([UInt8]) async throws -> Void
    ) async throws -> Int {
        try await write(CSV.row(Self.columns))
        var rows = 0
        var cursor: SignatureCursor?
        while true {
            let batch = try await signatures.confirmedSignatures(
                petitionID: petitionID, after: cursor, limit: batchSize)
            guard let last = batch.last else { return rows }
            var piece: [UInt8] = []
            piece.reserveCapacity(batch.count * 96)
            for signature in batch {
                piece += try row(signature)
            }
            try await write(piece)
            rows += batch.count
            cursor = SignatureCursor(createdAt: last.createdAt, id: last.id)
        }
    }

    private func row(_ signature: ExportedSignature) throws -> [UInt8] {
        var name = ""
        var email = ""
        if let sealed = signature.sealedPersonalData, signature.showName || signature.wantsUpdates {
            let person = try sealer.open(PersonalData.self, from: sealed, in: .signature(signature.id))
            if signature.showName { name = person.name }
            if signature.wantsUpdates { email = person.email }
        }
        return CSV.row([
            signature.confirmedAt.formatted(.iso8601), signature.country, signature.source.rawValue, name, email,
        ])
    }
}

/// A confirmed signature as the export reads it.
public struct ExportedSignature: Sendable {
    public var id: UUID
    public var createdAt: Date
    public var confirmedAt: Date
    public var country: String
    public var source: SignatureSource
    public var showName: Bool
    public var wantsUpdates: Bool
    /// Read only when one of the consents asks for it; `nil` as well once erased after delivery.
    public var sealedPersonalData: [UInt8]?
}

public protocol SignatureExportStore: Sendable {
    /// Up to `limit` confirmed signatures of the petition after `cursor`, in the order they were made.
    func confirmedSignatures(petitionID: UUID, after cursor: SignatureCursor?, limit: Int) async throws
        -> [ExportedSignature]
}
