import Crypto
import Foundation

/// Encrypts personal data (names, email addresses, queued emails) before it reaches the
/// database, so a copied database file reveals none of it. Each value is sealed with the
/// current data key and names that key, so values sealed before a rotation still open.
public struct PersonalDataSealer: Sendable {
    private let keys: DataKeyRing
    /// Leads every sealed value so that later schemes can be told apart.
    private static let version: UInt8 = 2

    public init(keys: DataKeyRing) {
        self.keys = keys
    }

    public func seal(_ record: some SealableRecord) throws -> [UInt8] {
        let (id, key) = try keys.current()
        let header = [Self.version, UInt8(id >> 24 & 0xFF), UInt8(id >> 16 & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id & 0xFF)]
        let box = try ChaChaPoly.seal(SealedFields.encode(record.sealedFields), using: key, authenticating: header)
        return header + Array(box.combined)
    }

    public func open<Record: SealableRecord>(_ type: Record.Type, from sealed: [UInt8]) throws -> Record {
        guard sealed.count > 5, sealed[0] == Self.version else { throw SealingError.unknownVersion }
        let id = UInt32(sealed[1]) << 24 | UInt32(sealed[2]) << 16 | UInt32(sealed[3]) << 8 | UInt32(sealed[4])
        guard let key = keys.key(id: id) else { throw SealingError.unknownKey }
        let box = try ChaChaPoly.SealedBox(combined: sealed.dropFirst(5))
        return try Record(sealedFields: SealedFields.decode(Array(try ChaChaPoly.open(box, using: key, authenticating: sealed.prefix(5)))))
    }

    enum SealingError: Error {
        case unknownVersion
        case unknownKey
        case malformed
    }
}

/// A record stored sealed, as a list of text fields.
public protocol SealableRecord {
    var sealedFields: [String] { get }
    init(sealedFields: [String]) throws
}

/// Length-prefixed UTF-8 fields: compact, and quick to write and read on the signing path.
enum SealedFields {
    static func encode(_ fields: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(0) { $0 + $1.utf8.count + 4 })
        for field in fields {
            let length = UInt32(field.utf8.count)
            bytes += [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            bytes += field.utf8
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> [String] {
        var fields: [String] = []
        var index = 0
        while index < bytes.count {
            guard index + 4 <= bytes.count else { throw PersonalDataSealer.SealingError.malformed }
            let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 4
            guard index + length <= bytes.count, let field = String(validating: bytes[index..<index + length], as: UTF8.self) else {
                throw PersonalDataSealer.SealingError.malformed
            }
            fields.append(field)
            index += length
        }
        return fields
    }
}
