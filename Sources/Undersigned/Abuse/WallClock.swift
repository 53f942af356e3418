import Foundation

/// The time as abuse defences see it: real time in production, a hand-moved clock in tests,
/// so that windows, expiry and adaptive difficulty are tested without sleeping.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public static let system = WallClock { Date() }

    public var now: Date { read() }
}
