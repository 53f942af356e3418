import Crypto
import Foundation

/// Encrypts personal data (names, email addresses, queued emails) before it reaches the
/// database, so a copied database file reveals none of it.
public struct PersonalDataSealer: Sendable {
    private let key: SymmetricKey
    /// Leads every sealed value so that later key schemes can be told apart.
    private static let version: UInt8 = 1

    public init(key: SymmetricKey) {
        self.key = key
    }

    public func seal<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let plaintext = try JSONEncoder().encode(value)
        let box = try ChaChaPoly.seal(plaintext, using: key)
        return [Self.version] + Array(box.combined)
    }

    public func open<Value: Decodable>(_ type: Value.Type, from sealed: [UInt8]) throws -> Value {
        guard sealed.first == Self.version else { throw SealingError.unknownVersion }
        let box = try ChaChaPoly.SealedBox(combined: sealed.dropFirst())
        return try JSONDecoder().decode(type, from: ChaChaPoly.open(box, using: key))
    }

    enum SealingError: Error {
        case unknownVersion
    }
}
