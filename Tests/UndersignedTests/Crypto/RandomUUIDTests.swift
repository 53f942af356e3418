import Foundation
import Testing

@testable import Undersigned

@Suite("Random identifiers")
struct RandomUUIDTests {
    @Test("each is a version 4 UUID of the RFC 9562 variant, and none repeats")
    func versionVariantAndUniqueness() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.uuid.6 >> 4 == 4)
            #expect(id.uuid.8 >> 6 == 0b10)
            // What Foundation prints and parses back, as stored in the databases.
            #expect(UUID(uuidString: id.uuidString) == id)
        }
    }

    @Test("its other bits are random: every bit varies across a thousand")
    func bitsVary() {
        let ids = (0..<1_000).map { _ in UUID.random() }
        var seenSet = [Bool](repeating: false, count: 128)
        var seenClear = [Bool](repeating: false, count: 128)
        for id in ids {
            withUnsafeBytes(of: id.uuid) { bytes in
                for bit in 0..<128 {
                    if bytes[bit / 8] >> (bit % 8) & 1 == 1 { seenSet[bit] = true } else { seenClear[bit] = true }
                }
            }
        }
        let fixed = Set([52, 53, 54, 55, 70, 71])  // the version's four bits and the variant's two
        for bit in 0..<128 where !fixed.contains(bit) {
            #expect(seenSet[bit] && seenClear[bit], "bit \(bit)")
        }
    }
}
