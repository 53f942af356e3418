import Crypto
import Foundation

/// An unguessable, purpose-bound token naming one record: its random id followed by an HMAC
/// of that id. The same record always gets the same token, so a resent email carries the
/// same link, and a token made for one purpose is worthless for another.
public struct LinkTokens: Sendable {
    private let keyedHash: KeyedHash
    private static let macLength = 16

    public init(key: SymmetricKey) {
        self.keyedHash = KeyedHash(key: key)
    }

    public func token(for id: UUID) -> String {
        var bytes = id.bytes
        bytes.append(contentsOf: mac(for: id.bytes))
        return Base64URL.encode(bytes)
    }

    /// The id named by a token, or `nil` when the token was not made by this server.
    public func id(from token: String) -> UUID? {
        guard token.utf8.count <= 64, let bytes = Base64URL.decode(token), bytes.count == 16 + Self.macLength else {
            return nil
        }
        let idBytes = Array(bytes.prefix(16))
        let expected = mac(for: idBytes)
        guard constantTimeEqual(expected, Array(bytes.suffix(Self.macLength))) else { return nil }
        return UUID(bytes: idBytes)
    }

    private func mac(for bytes: [UInt8]) -> [UInt8] {
        Array(keyedHash.code(for: bytes).prefix(Self.macLength))
    }
}

func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}

extension UUID {
    var bytes: [UInt8] {
        withUnsafeBytes(of: uuid) { Array($0) }
    }

    /// A UUID from exactly 16 bytes, or nil.
    init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self = bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }
}
