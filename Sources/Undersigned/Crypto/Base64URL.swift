/// Base64url without padding (RFC 4648 §5), for tokens in URLs and cookies. Written out
/// because it runs on every page view and every signature.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// Written straight into the string's storage: tokens are encoded on every page and form.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let alphabet = Self.alphabet
        return String(unsafeUninitializedCapacity: (input.count * 4 + 2) / 3) { output in
            var written = 0
            /// The first `count` sextets of the 24 bits in `chunk`.
            func put(_ chunk: UInt32, _ count: Int) {
                for position in 0..<count {
                    output[written] = alphabet[Int(chunk >> (18 - 6 * UInt32(position)) & 63)]
                    written += 1
                }
            }
            var index = 0
            while index + 3 <= input.count {
                let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                put(chunk, 4)
                index += 3
            }
            switch input.count - index {
            case 1:
                let chunk = UInt32(input[index]) << 16
                put(chunk, 2)
            case 2:
                let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                put(chunk, 3)
            default:
                break
            }
            return written
        }
    }

    /// The bytes, or `nil` for anything that is not canonical unpadded base64url.
    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in input {
            let value = values[Int(character)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, so that each byte string has exactly one spelling.
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}
