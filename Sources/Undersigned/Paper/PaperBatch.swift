import Foundation

/// Signatures gathered on paper and typed up into one file, with where they came from. Its
/// signatures count like online ones, through the same write path and log, and are shown
/// apart ("of which N on paper"); voided, they all leave the count at once.
public struct PaperBatch: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    /// Who gathered the signatures: a person or a group, as they agreed to be named to the
    /// organizers (never shown publicly).
    public var collectedBy: String
    public var place: String
    /// The day they were gathered, `YYYY-MM-DD`.
    public var collectedOn: String
    /// The SHA-256 of the file as imported, in hex: which file it was, without keeping it.
    public var fileDigest: String
    /// Signers in the file.
    public var signerRows: Int
    /// Of those, the ones counted: the others had signed already, online or in another batch.
    public var counted: Int
    public var importedAt: Date
    public var voidedAt: Date?
    public var voidReason: String?
}

/// Paper batches as organizers and operators list them, and what the public pages show.
public protocol PaperBatchStore: Sendable {
    func paperBatches(petitionID: UUID) async throws -> [PaperBatch]
    func paperBatch(id: UUID) async throws -> PaperBatch?
    /// Confirmed signatures from paper that count now (voided batches' excluded).
    func paperSignatureCount(petitionID: UUID) async throws -> Int
}
