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
        #expect(Self.bitsThatNeverVary(among: ids, from: 0) == Self.versionAndVariant)
    }

    /// The version's four bits and the variant's two.
    static let versionAndVariant: Set<Int> = [52, 53, 54, 55, 70, 71]

    /// The bits, from bit `first` on, that are the same in all of `ids`.
    static func bitsThatNeverVary(among ids: [UUID], from first: Int) -> Set<Int> {
        var seenSet = [Bool](repeating: false, count: 128)
        var seenClear = [Bool](repeating: false, count: 128)
        for id in ids {
            withUnsafeBytes(of: id.uuid) { bytes in
                for bit in first..<128 {
                    if bytes[bit / 8] >> (bit % 8) & 1 == 1 { seenSet[bit] = true } else { seenClear[bit] = true }
                }
            }
        }
        return Set((first..<128).filter { !(seenSet[$0] && seenClear[$0]) })
    }

    @Test("a time-ordered one is a version 7 UUID beginning with its time's milliseconds, and none repeats")
    func timeOrderedLayout() {
        let date = Date(millis: 1_796_464_413_780)
        let ids = (0..<10_000).map { _ in UUID.timeOrdered(at: date) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.uuid.6 >> 4 == 7)
            #expect(id.uuid.8 >> 6 == 0b10)
            let millis = withUnsafeBytes(of: id.uuid) { bytes in bytes.prefix(6).reduce(0) { $0 << 8 | Int64($1) } }
            #expect(millis == 1_796_464_413_780)
            #expect(UUID(uuidString: id.uuidString) == id)
        }
    }

    @Test("time-ordered ids sort as stored in the order of their times, and past their 48 bits they clamp")
    func timeOrderedSorting() {
        let start = Date(millis: 1_796_464_413_780)
        let times = (0..<1_000).map { start.addingTimeInterval(Double($0) / 100) }
        let texts = times.map { UUID.timeOrdered(at: $0).text }
        #expect(texts == texts.sorted())
        #expect(UUID.timeOrdered(at: .distantPast).uuidString.hasPrefix("00000000-0000-7"))
        #expect(UUID.timeOrdered(at: Date(timeIntervalSince1970: -.infinity)).uuidString.hasPrefix("00000000-0000-7"))
        #expect(UUID.timeOrdered(at: Date(timeIntervalSince1970: .nan)).uuidString.hasPrefix("00000000-0000-7"))
        #expect(UUID.timeOrdered(at: Date(timeIntervalSince1970: 1e15)).uuidString.hasPrefix("FFFFFFFF-FFFF-7"))
    }

    @Test("a time-ordered id's bits after its time are random: every one varies across a thousand")
    func timeOrderedBitsVary() {
        let date = Date(millis: 1_796_464_413_780)
        let ids = (0..<1_000).map { _ in UUID.timeOrdered(at: date) }
        #expect(Self.bitsThatNeverVary(among: ids, from: 48) == Self.versionAndVariant)
    }
}
