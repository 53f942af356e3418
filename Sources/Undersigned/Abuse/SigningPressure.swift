import Foundation
import Synchronization

/// How hard the proof of work is right now, from the rate of sign requests this instance
/// has let through its address limits over the last minute. Calm: zero, and the form works without JavaScript. Under
/// a flood: 8 bits at the calm rate, two more bits each time the rate doubles, up to a cap.
final class SigningPressure: Sendable {
    static let window = 60
    static let startingBits = 8

    private let calmRatePerMinute: Int
    private let maximumDifficulty: Int
    private let changed: @Sendable (_ difficulty: Int, _ recentRequests: Int) -> Void
    private let lastDifficulty = Atomic<Int>(0)
    /// Requests per second over the last minute, in a ring indexed by second.
    private let seconds = Mutex<[(second: Int64, requests: Int)]>(
        Array(repeating: (-1, 0), count: SigningPressure.window))

    /// - Parameters:
    ///   - calmRatePerMinute: below this many sign requests a minute, no proof of work is asked.
    ///   - maximumDifficulty: the cap in bits; zero turns proof of work off.
    ///   - changed: told when the difficulty changes, so that operators see a flood begin and end.
    init(
        calmRatePerMinute: Int, maximumDifficulty: Int,
        changed: @escaping @Sendable (_ difficulty: Int, _ recentRequests: Int) -> Void = { _, _ in }
    ) {
        self.calmRatePerMinute = max(1, calmRatePerMinute)
        self.maximumDifficulty = min(max(0, maximumDifficulty), ProofOfWork.maximumDifficulty)
        self.changed = changed
    }

    /// Counts one sign request.
    func record(at date: Date) {
        let second = Int64(date.timeIntervalSince1970.rounded(.down))
        let slot = Int(second.magnitude % UInt64(Self.window))
        seconds.withLock { ring in
            if ring[slot].second != second { ring[slot] = (second, 0) }
            ring[slot].requests += 1
        }
    }

    /// Sign requests seen in the minute up to `date`.
    func recentRequests(at date: Date) -> Int {
        let now = Int64(date.timeIntervalSince1970.rounded(.down))
        return seconds.withLock { ring in
            ring.reduce(0) { total, slot in
                slot.second > now - Int64(Self.window) && slot.second <= now ? total + slot.requests : total
            }
        }
    }

    /// The number of leading zero bits a solution needs now.
    func difficulty(at date: Date) -> Int {
        let requests = recentRequests(at: date)
        var difficulty = 0
        if maximumDifficulty > 0, requests >= calmRatePerMinute {
            let doublings = Int(log2(Double(requests) / Double(calmRatePerMinute)).rounded(.down))
            difficulty = min(maximumDifficulty, Self.startingBits + 2 * doublings)
        }
        if lastDifficulty.exchange(difficulty, ordering: .relaxed) != difficulty { changed(difficulty, requests) }
        return difficulty
    }
}
