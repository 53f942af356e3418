import Foundation

/// The one source of the time of day: every stored or compared time comes from an injected
/// clock, real time in production and a hand-moved one in tests, so that windows, expiry,
/// retries and retention are tested without sleeping. Nothing else reads `Date()`.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public static let system = WallClock { Date() }

    public var now: Date { read() }
}
