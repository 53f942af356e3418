import Crypto
import Foundation

/// Receipt codes: derived from the signature's id with a server key, so the same signature
/// always has the same code and the code cannot be guessed from the id. The log holds only
/// the code's SHA-256.
public struct ReceiptCodes: Sendable {
    private let keyed: KeyedHash

    public init(key: SymmetricKey) {
        keyed = KeyedHash(key: key)
    }

    public func code(for signatureID: UUID) -> String {
        Base64URL.encode(Array(keyed.code(for: signatureID.bytes).prefix(16)))
    }

    public func hash(for signatureID: UUID) -> [UInt8] {
        Self.hash(ofCode: code(for: signatureID))
    }

    /// Whether `code` is written as codes are: 16 bytes in unpadded base64url, 22 characters.
    public static func isWellFormed(_ code: String) -> Bool {
        code.utf8.count == 22 && Base64URL.decode(code)?.count == 16
    }

    /// The hash the log holds for a receipt code, as a signer can compute it themselves.
    public static func hash(ofCode code: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(code.utf8)))
    }
}
