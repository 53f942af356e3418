import Crypto
import Foundation

/// A random 256-bit bearer token (session cookies, password reset and invitation links).
/// Only its SHA-256 is stored, so a copy of the database lets nobody use one.
public struct SecretToken: Sendable {
    public let value: String
    public let hash: [UInt8]

    public static func generate() -> SecretToken {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let value = Base64URL.encode(bytes)
        return SecretToken(value: value, hash: Array(SHA256.hash(data: Array(value.utf8))))
    }

    /// The stored hash of a token as presented, or `nil` when it cannot be one of ours.
    public static func hash(of presented: String) -> [UInt8]? {
        guard presented.utf8.count == 43, let bytes = Base64URL.decode(presented), bytes.count == 32 else { return nil }
        return Array(SHA256.hash(data: Array(presented.utf8)))
    }
}
