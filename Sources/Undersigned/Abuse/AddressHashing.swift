import Crypto
import Foundation
import Synchronization

/// The key under which an address is counted in memory: an HMAC of the address under a
/// random key that lives only in this process and is replaced every UTC day. Neither the
/// address nor this hash is ever written anywhere, and after midnight not even this
/// process can tell which address yesterday's counts belonged to.
final class DailyAddressKeys: Sendable {
    private let current = Mutex<(day: Int, key: KeyedHash)?>(nil)

    func key(for address: ClientAddress, at date: Date) -> Key128 {
        let day = UTCDay(date).number
        let key = current.withLock { current in
            if let current, current.day == day { return current.key }
            let fresh = KeyedHash(key: SymmetricKey(size: .bits256))
            current = (day, fresh)
            return fresh
        }
        return Key128(key.code(for: address.bytes))
    }
}

/// The coarse bucket an address falls in when counts are shared between instances through
/// the database: 20 bits of an HMAC under a key derived from the server secret and the UTC
/// day. With about a million buckets, each holds thousands of possible addresses, so a
/// stored bucket number cannot name anyone; every instance sharing the secret agrees on it.
final class SharedBuckets: Sendable {
    static let bits = 20

    private let rootKey: SymmetricKey
    /// The day's key, keyed once: every signature asks for its bucket.
    private let current = Mutex<(day: Int, key: KeyedHash)?>(nil)

    init(rootKey: SymmetricKey) {
        self.rootKey = rootKey
    }

    func bucket(for address: ClientAddress, at date: Date) -> Int {
        let day = UTCDay(date).number
        let dayKey = current.withLock { current in
            if let current, current.day == day { return current.key }
            let fresh = KeyedHash(
                key: SymmetricKey(
                    data: HMAC<SHA256>.authenticationCode(for: Array("day \(day)".utf8), using: rootKey)))
            current = (day, fresh)
            return fresh
        }
        let mac = dayKey.code(for: address.bytes)
        return (Int(mac[0]) << 12 | Int(mac[1]) << 4 | Int(mac[2]) >> 4)
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
