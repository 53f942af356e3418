import Foundation

/// Identifiers as the database stores them: 36 characters, lowercase, hyphenated. Every row
/// read or written converts some, so both directions work on the bytes: on Linux,
/// Foundation's `uuidString` formats with `sprintf` and `UUID(uuidString:)` parses with
/// `sscanf`, and the writer's thread spent more on those than on some of its statements.
extension UUID {
    var text: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { output in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if Self.hyphenBefore(byteIndex: index) {
                        output[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    output[position] = HexDigits.lowercase[Int(byte >> 4)]
                    output[position + 1] = HexDigits.lowercase[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// Reads the form ``text`` writes, in either case, as `UUID(uuidString:)` does.
    init(text: String) throws {
        guard let id = UUID(hyphenatedHex: text) else { throw CorruptRecord(description: "bad id '\(text)'") }
        self = id
    }

    init?(hyphenatedHex text: String) {
        var text = text
        let parsed = text.withUTF8 { characters -> uuid_t? in
            guard characters.count == 36 else { return nil }
            var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let complete = withUnsafeMutableBytes(of: &value) { bytes -> Bool in
                var position = 0
                for index in 0..<16 {
                    if Self.hyphenBefore(byteIndex: index) {
                        guard characters[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = HexDigits.value(of: characters[position]),
                        let low = HexDigits.value(of: characters[position + 1])
                    else { return false }
                    bytes[index] = high << 4 | low
                    position += 2
                }
                return true
            }
            return complete ? value : nil
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    /// 8-4-4-4-12 hexadecimal digits: a hyphen comes before bytes 4, 6, 8 and 10.
    private static func hyphenBefore(byteIndex index: Int) -> Bool {
        index == 4 || index == 6 || index == 8 || index == 10
    }
}
