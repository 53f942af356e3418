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

extension UInt64 {
    var bigEndianBytes: [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: self >> ($0 * 8)) }
    }
}
