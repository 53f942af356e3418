import Crypto
import Foundation

/// What each leaf of a petition's log records. Only confirmed signatures enter the log;
/// a withdrawal or invalidation cancels one, so the count is confirmations minus the rest.
public enum LogEntryKind: String, Sendable, CaseIterable {
    case confirmation
    case withdrawal
    case invalidation

    var code: UInt8 {
        switch self {
        case .confirmation: 1
        case .withdrawal: 2
        case .invalidation: 3
        }
    }

    /// How the entry moves the count.
    public var countChange: Int { self == .confirmation ? 1 : -1 }
}

/// One leaf of a petition's append-only signature log. It names the signature only by the
/// hash of its receipt code, which nobody but the signer (and the server) can link to it,
/// and holds no personal data.
public struct LogEntry: Sendable, Equatable {
    public var petitionID: UUID
    public var kind: LogEntryKind
    public var receiptHash: [UInt8]
    public var recordedAt: Date

    public init(petitionID: UUID, kind: LogEntryKind, receiptHash: [UInt8], recordedAt: Date) {
        self.petitionID = petitionID
        self.kind = kind
        self.receiptHash = receiptHash
        self.recordedAt = recordedAt
    }

    /// The leaf's bytes, as hashed into the tree: a version tag, the kind, the petition, the
    /// receipt hash and the time in Unix milliseconds (big-endian). Published so that anyone
    /// can recompute a leaf hash.
    public var leafData: [UInt8] {
        var bytes = Array("undersigned-log-v1".utf8)
        bytes.append(kind.code)
        bytes += petitionID.bytes
        bytes += receiptHash
        bytes += UInt64(bitPattern: recordedAt.millis).bigEndianBytes
        return bytes
    }

    public var leafHash: [UInt8] { MerkleHash.leaf(leafData) }
}

/// Receipt codes: derived from the signature's id with a server key, so the same signature
/// always has the same code and the code cannot be guessed from the id. The log holds only
/// the code's SHA-256.
public struct ReceiptCodes: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    public func code(for signatureID: UUID) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: signatureID.bytes, using: key)).prefix(16).map { $0 })
    }

    public func hash(for signatureID: UUID) -> [UInt8] {
        Self.hash(ofCode: code(for: signatureID))
    }

    /// The hash the log holds for a receipt code, as a signer can compute it themselves.
    public static func hash(ofCode code: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(code.utf8)))
    }
}

extension UInt64 {
    var bigEndianBytes: [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: self >> ($0 * 8)) }
    }
}
