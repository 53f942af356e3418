import Foundation

/// A receipt in the outbox: its row holds the signature's sealed name and address, copied
/// from the signature's row and still bound to it, and names the signature and its petition.
public struct QueuedReceipt: Sendable, Equatable {
    public var signatureID: UUID
    public var petitionID: UUID

    public init(signatureID: UUID, petitionID: UUID) {
        self.signatureID = signatureID
        self.petitionID = petitionID
    }
}

/// Writes the receipts the outbox holds (``QueuedReceipt``) when they are sent. Written at
/// confirmation, they held up the signature writer while each was composed and sealed, and
/// made its commits larger, for an email that is the same whenever it is written: its code
/// and links are derived from the signature's id.
public struct ReceiptMail: Sendable {
    let mailer: SignerMail
    let petitions: @Sendable (UUID) async throws -> Petition?

    public init(mailer: SignerMail, petitions: @escaping @Sendable (UUID) async throws -> Petition?) {
        self.mailer = mailer
        self.petitions = petitions
    }

    /// The receipt queued as `id` at `createdAt`, from the sealed personal data its row holds.
    func message(_ receipt: QueuedReceipt, sealedPersonalData: [UInt8], id: UUID, createdAt: Date) async throws
        -> EmailMessage
    {
        let signer = try mailer.sealer.open(
            PersonalData.self, from: sealedPersonalData, in: .signature(receipt.signatureID))
        guard let petition = try await petitions(receipt.petitionID) else { throw Unwritable() }
        return mailer.receipt(
            id: id, createdAt: createdAt, signatureID: receipt.signatureID, signer: signer, petition: petition)
    }

    /// The receipt's petition is gone: it will never be written.
    struct Unwritable: Error {}
}
