import Foundation

extension UUID {
    /// A random (version 4) UUID, like `UUID()`, drawn from the system's generator through
    /// ``SecureRandom``. On Linux `UUID()` opens, reads and closes `/dev/urandom` for each
    /// one, three system calls and a path lookup on every signature and every email.
    public static func random() -> UUID {
        drawn(version: 4) { _ in }
    }

    /// A version 7 UUID (RFC 9562): the milliseconds of `date`, then 74 random bits, for the
    /// rows written by the thousand (signatures, emails). Random keys put each new row on its
    /// own page of the primary key's index, one page written per row; these put a batch's rows
    /// side by side at the index's end. Ids stay unguessable, and the time they tell, to
    /// whoever holds a link made from one, is the row's own, which it stores anyway.
    public static func timeOrdered(at date: Date) -> UUID {
        let millis = millisecondsSinceEpoch(date)
        return drawn(version: 7) { raw in
            for index in 0..<6 {
                raw[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index)))
            }
        }
    }

    /// 128 random bits, their start overwritten by `prefix`, marked with `version` and the
    /// RFC 9562 variant.
    private static func drawn(version: UInt8, prefix: (UnsafeMutableRawBufferPointer) -> Void) -> UUID {
        let generator = SecureRandom()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            prefix(raw)
            raw[6] = raw[6] & 0x0F | version << 4
            raw[8] = raw[8] & 0x3F | 0x80
            return UUID(uuid: raw.load(as: uuid_t.self))
        }
    }

    /// The 48 bits of milliseconds a version 7 UUID holds; dates outside them are clamped.
    private static func millisecondsSinceEpoch(_ date: Date) -> UInt64 {
        let largest: UInt64 = 1 << 48 - 1
        let millis = date.timeIntervalSince1970 * 1000
        guard millis.isFinite, millis > 0 else { return 0 }
        return millis < Double(largest) ? UInt64(millis) : largest
    }
}
