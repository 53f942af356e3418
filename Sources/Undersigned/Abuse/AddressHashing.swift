import Crypto
import Foundation
import Synchronization

/// The key under which an address is counted in memory: an HMAC of the address under a
/// random key that lives only in this process and is replaced every UTC day. Neither the
/// address nor this hash is ever written anywhere, and after midnight not even this
/// process can tell which address yesterday's counts belonged to.
struct DailyAddressKeys: Sendable {
    private let hash = DailyKeyedHash { _ in SymmetricKey(size: .bits256) }

    func key(for address: ClientAddress, at date: Date) -> Key128 {
        Key128(hash.code(for: address.bytes, at: date))
    }
}

/// The coarse bucket an address falls in when counts are shared between instances through
/// the database: 20 bits of an HMAC under a key derived from the server secret and the UTC
/// day. With about a million buckets, each holds thousands of possible addresses, so a
/// stored bucket number cannot name anyone; every instance sharing the secret agrees on it.
struct SharedBuckets: Sendable {
    static let bits = 20

    private let hash: DailyKeyedHash

    init(rootKey: SymmetricKey) {
        hash = DailyKeyedHash { day in
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array("day \(day)".utf8), using: rootKey))
        }
    }

    func bucket(for address: ClientAddress, at date: Date) -> Int {
        let mac = hash.code(for: address.bytes, at: date)
        return (Int(mac[0]) << 12 | Int(mac[1]) << 4 | Int(mac[2]) >> 4)
    }
}

/// An HMAC whose key changes with the UTC day, made by `key` once a day rather than for every
/// address hashed: every signature asks for two.
final class DailyKeyedHash: Sendable {
    private let key: @Sendable (_ day: Int) -> SymmetricKey
    private let current = Mutex<(day: Int, hash: KeyedHash)?>(nil)

    init(key: @escaping @Sendable (_ day: Int) -> SymmetricKey) {
        self.key = key
    }

    func code(for message: [UInt8], at date: Date) -> [UInt8] {
        let day = UTCDay(date).number
        let hash = current.withLock { current in
            if let current, current.day == day { return current.hash }
            let fresh = KeyedHash(key: key(day))
            current = (day, fresh)
            return fresh
        }
        return hash.code(for: message)
    }
}

/// Days since 1970 in UTC: when keys rotate, and the days of a dashboard's chart.
public struct UTCDay: Sendable, Hashable, Comparable {
    public let number: Int

    public init(_ date: Date) {
        number = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    public init(number: Int) {
        self.number = number
    }

    public var start: Date { Date(timeIntervalSince1970: Double(number) * 86_400) }

    public static func < (a: UTCDay, b: UTCDay) -> Bool { a.number < b.number }
}

/// 16 bytes (of a keyed hash, of a nonce) as a cheap dictionary key.
struct Key128: Sendable, Hashable {
    let high: UInt64
    let low: UInt64

    /// The first 16 bytes of `mac`; a shorter one (never made here) is padded with zeros.
    init(_ mac: some Sequence<UInt8>) {
        var bytes = Array(mac.prefix(16))
        bytes += repeatElement(0, count: 16 - bytes.count)
        high = bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
