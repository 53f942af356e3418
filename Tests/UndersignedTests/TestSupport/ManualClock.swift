import Foundation
import Synchronization
import Undersigned

/// A clock that stands still until a test moves it.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var wallClock: WallClock { WallClock { self.now } }
}
