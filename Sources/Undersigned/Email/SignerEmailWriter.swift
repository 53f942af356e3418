import Foundation

/// A signer's confirmation request or receipt in the outbox: its row holds the signature's
/// sealed name, address and language, copied from the signature's row and still bound to it,
/// and names the signature and its petition.
public struct QueuedSignerEmail: Sendable, Equatable {
    public enum Kind: Sendable, CaseIterable {
        case confirmationRequest
        case receipt
    }

    public var kind: Kind
    public var signatureID: UUID
    public var petitionID: UUID

    public init(_ kind: Kind, signatureID: UUID, petitionID: UUID) {
        self.kind = kind
        self.signatureID = signatureID
        self.petitionID = petitionID
    }
}

/// Writes the signers' emails the outbox holds (``QueuedSignerEmail``) when they are sent.
/// Written when queued, each was composed and sealed while its signature was written, and
/// stored whole (about 850 bytes, against 100 for the signature's sealed data) to be deleted
/// seconds later, for an email that is the same whenever it is written: its links and code are
/// derived from the signature's id.
public struct SignerEmailWriter: Sendable {
    let mailer: SignerMail
    let petitions: @Sendable (UUID) async throws -> Petition?

    public init(mailer: SignerMail, petitions: @escaping @Sendable (UUID) async throws -> Petition?) {
        self.mailer = mailer
        self.petitions = petitions
    }

    /// The email queued as `id` at `createdAt`, from the sealed personal data its row holds,
    /// or from what was sealed when it is `known`.
    func message(
        _ queued: QueuedSignerEmail, signer known: PersonalData?, sealedPersonalData: [UInt8], id: UUID,
        createdAt: Date
    ) async throws -> EmailMessage {
        let signer =
            try known
            ?? mailer.sealer.open(PersonalData.self, from: sealedPersonalData, in: .signature(queued.signatureID))
        guard let petition = try await petitions(queued.petitionID) else { throw Unwritable() }
        switch queued.kind {
        case .confirmationRequest:
            return mailer.confirmationRequest(
                id: id, createdAt: createdAt, signatureID: queued.signatureID, signer: signer, petition: petition)
        case .receipt:
            return mailer.receipt(
                id: id, createdAt: createdAt, signatureID: queued.signatureID, signer: signer, petition: petition)
        }
    }

    /// The email's petition is gone: it will never be written.
    struct Unwritable: Error {}
}
