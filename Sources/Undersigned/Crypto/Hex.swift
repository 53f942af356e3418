/// Lower-case hexadecimal, as hashes and keys are published.
extension Sequence where Element == UInt8 {
    public var hex: String {
        var characters: [UInt8] = []
        characters.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            characters.append(HexDigits.lowercase[Int(byte >> 4)])
            characters.append(HexDigits.lowercase[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}

enum HexDigits {
    static let lowercase = Array("0123456789abcdef".utf8)

    /// The value of an ASCII hexadecimal digit of either case; `nil` for any other byte.
    static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
