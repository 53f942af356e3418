import Crypto
import Foundation

/// How a petition reached one of its targets.
public enum DeliveryChannel: String, Sendable, CaseIterable {
    case email
    case inPerson = "in-person"
    case post
    case onlineForm = "online-form"
}

/// The record that a petition was delivered to one target, with the count it carried: the
/// signed tree head of the petition's log at that moment.
public struct DeliveryRecord: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    /// The target's position on the petition.
    public var targetPosition: Int
    public var deliveredAt: Date
    public var channel: DeliveryChannel
    public var deliveredBy: String
    public var notes: String
    public var evidence: Evidence?
    public var treeHead: SignedTreeHead
    public var recordedAt: Date

    public init(
        id: UUID = .random(), petitionID: UUID, targetPosition: Int, deliveredAt: Date, channel: DeliveryChannel,
        deliveredBy: String,
        notes: String, evidence: Evidence?, treeHead: SignedTreeHead, recordedAt: Date
    ) {
        self.id = id
        self.petitionID = petitionID
        self.targetPosition = targetPosition
        self.deliveredAt = deliveredAt
        self.channel = channel
        self.deliveredBy = deliveredBy
        self.notes = notes
        self.evidence = evidence
        self.treeHead = treeHead
        self.recordedAt = recordedAt
    }

    /// A file kept as proof of delivery: a receipt, a photo, an acknowledgement.
    public struct Evidence: Sendable, Equatable {
        public var fileName: String
        public var contentType: String
        public var bytes: [UInt8]
        public var sha256: String { SHA256.hash(data: bytes).hex }

        public static let maximumSize = 10 * 1024 * 1024
        static let contentTypes = [
            "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
            "txt": "text/plain", "eml": "message/rfc822",
        ]

        /// Checks size and type from the file's name; the bytes are kept as given.
        public init(fileName: String, bytes: [UInt8]) throws {
            let name = (fileName as NSString).lastPathComponent
            guard bytes.count <= Self.maximumSize else { throw DeliveryError.evidenceTooLarge }
            guard let type = Self.contentTypes[(name as NSString).pathExtension.lowercased()] else {
                throw DeliveryError.evidenceType(Self.contentTypes.keys.sorted())
            }
            self.fileName = name
            self.contentType = type
            self.bytes = bytes
        }

        init(fileName: String, contentType: String, bytes: [UInt8]) {
            self.fileName = fileName
            self.contentType = contentType
            self.bytes = bytes
        }
    }
}

public enum DeliveryError: Error, CustomStringConvertible, Equatable {
    case noSuchTarget(Int)
    case notDeliverable(PetitionState)
    case nothingSigned
    case evidenceTooLarge
    case evidenceType([String])

    public var description: String {
        switch self {
        case .noSuchTarget(let position): "the petition has no target \(position)"
        case .notDeliverable(let state): "a petition that is \(state.rawValue) cannot be delivered"
        case .nothingSigned: "the petition's log has no signed tree head yet"
        case .evidenceTooLarge: "evidence files are limited to 10 MB"
        case .evidenceType(let known): "evidence must be one of: \(known.joined(separator: ", "))"
        }
    }
}

public protocol DeliveryStore: Sendable {
    /// Stores the record; once every target has one, moves the petition to `delivered` in
    /// the same transaction, with the audit event and the emails that tell of it. Returns
    /// whether it did.
    func record(_ delivery: DeliveryRecord, targetCount: Int, audit: AuditEvent, notifying emails: [QueuedEmail])
        async throws -> Bool
    func deliveries(petitionID: UUID) async throws -> [DeliveryRecord]
}
