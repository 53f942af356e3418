import Foundation
import Testing

@testable import Undersigned

@Suite("Secure random numbers")
struct SecureRandomTests {
    @Test("words drawn from many tasks at once, across many refills, never repeat")
    func noWordTwice() async {
        let words = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let generator = SecureRandom()
                    return (0..<5_000).map { _ in generator.next() }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(words.count == 40_000)
        #expect(Set(words).count == words.count)
    }

    @Test("each of the 64 bits is set in about half of the words")
    func bitsBalanced() {
        let generator = SecureRandom()
        var set = [Int](repeating: 0, count: 64)
        let draws = 20_000
        for _ in 0..<draws {
            let word = generator.next()
            for bit in 0..<64 where word >> bit & 1 == 1 { set[bit] += 1 }
        }
        // Fourteen standard deviations either side: a fault, not chance, falls outside.
        for bit in 0..<64 {
            #expect((9_000...11_000).contains(set[bit]), "bit \(bit): \(set[bit]) of \(draws)")
        }
    }
}
