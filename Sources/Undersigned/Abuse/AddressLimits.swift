import Foundation
import HTTPTypes
import NIOCore

/// Limits an action per client address: sign-in attempts and reset requests (beside the
/// per-account ``SignInThrottle``, against one password tried on many accounts), or reports of
/// petitions (so that nobody can bury the moderation queue). As with signing, the address
/// is counted under a daily in-memory key and never stored.
final class AddressLimits: Sendable {
    private let limiter: RateLimiter
    private let keys = DailyAddressKeys()
    private let trustForwardedFor: Bool
    private let clock: WallClock
    /// The refusal of someone who must wait this many seconds.
    private let refusal: @Sendable (_ seconds: Int) -> RateLimited

    init(
        windows: [RateLimiter.Window], trustForwardedFor: Bool, clock: WallClock,
        refusal: @escaping @Sendable (_ seconds: Int) -> RateLimited
    ) {
        limiter = RateLimiter(windows: windows)
        self.trustForwardedFor = trustForwardedFor
        self.clock = clock
        self.refusal = refusal
    }

    /// The request's client address, as the limits count it.
    func clientAddress(peer: SocketAddress?, headers: HTTPFields) -> ClientAddress {
        ClientAddress.of(peer: peer, headers: headers, trustForwardedFor: trustForwardedFor)
    }

    /// Takes one action for the request's client address, or throws ``RateLimited`` with the wait.
    func admit(peer: SocketAddress?, headers: HTTPFields) throws {
        let now = clock.now
        let address = clientAddress(peer: peer, headers: headers)
        if case .refused(let seconds) = limiter.take(keys.key(for: address, at: now), at: now) {
            throw refusal(seconds)
        }
    }

    static let accountAttemptWindows = [
        RateLimiter.Window(limit: 10, period: 60), RateLimiter.Window(limit: 60, period: 3600),
    ]
    static let reportWindows = [RateLimiter.Window(limit: 3, period: 60), RateLimiter.Window(limit: 10, period: 3600)]

    static func accountAttempts(trustForwardedFor: Bool, clock: WallClock) -> AddressLimits {
        AddressLimits(windows: accountAttemptWindows, trustForwardedFor: trustForwardedFor, clock: clock) {
            .accountAttempts(retryAfterSeconds: $0)
        }
    }

    static func reports(trustForwardedFor: Bool, clock: WallClock) -> AddressLimits {
        AddressLimits(windows: reportWindows, trustForwardedFor: trustForwardedFor, clock: clock) {
            .reports(retryAfterSeconds: $0)
        }
    }
}
