import Foundation
import HTTPTypes
import NIOCore

/// Limits an action per client address: sign-in attempts and reset requests (beside the
/// per-account lockout, against one password tried on many accounts), or reports of
/// petitions (so that nobody can bury the moderation queue). As with signing, the address
/// is counted under a daily in-memory key and never stored.
final class AddressLimits: Sendable {
    private let limiter: RateLimiter
    private let keys = DailyAddressKeys()
    private let trustForwardedFor: Bool
    private let clock: WallClock
    /// The 429 for someone who must wait this many seconds.
    private let refusal: @Sendable (_ seconds: Int) -> AppError

    init(
        windows: [RateLimiter.Window], trustForwardedFor: Bool, clock: WallClock, refusal: @escaping @Sendable (_ seconds: Int) -> AppError
    ) {
        limiter = RateLimiter(windows: windows)
        self.trustForwardedFor = trustForwardedFor
        self.clock = clock
        self.refusal = refusal
    }

    /// Takes one action for the request's client address, or throws 429 with the wait.
    func admit(peer: SocketAddress?, headers: HTTPFields) throws {
        let now = clock.now
        let address = ClientAddress.of(peer: peer, headers: headers, trustForwardedFor: trustForwardedFor)
        if case .refused(let seconds) = limiter.take(keys.key(for: address, at: now), at: now) {
            throw refusal(seconds)
        }
    }

    static let accountAttemptWindows = [RateLimiter.Window(limit: 10, period: 60), RateLimiter.Window(limit: 60, period: 3600)]
    static let reportWindows = [RateLimiter.Window(limit: 3, period: 60), RateLimiter.Window(limit: 10, period: 3600)]

    static func accountAttempts(trustForwardedFor: Bool, clock: WallClock) -> AddressLimits {
        AddressLimits(windows: accountAttemptWindows, trustForwardedFor: trustForwardedFor, clock: clock) { seconds in
            AppError(
                status: .tooManyRequests, title: "Too many attempts from your connection",
                detail: "Many sign-in attempts have come from your network in a short time. Please try again in \(wait(seconds)).",
                retryAfterSeconds: seconds)
        }
    }

    static func reports(trustForwardedFor: Bool, clock: WallClock) -> AddressLimits {
        AddressLimits(windows: reportWindows, trustForwardedFor: trustForwardedFor, clock: clock) { seconds in
            AppError(
                status: .tooManyRequests, title: "Too many reports from your connection",
                detail: "Many reports have come from your network in a short time. Please try again in \(wait(seconds)). "
                    + "Reports already sent have reached the moderators.",
                retryAfterSeconds: seconds)
        }
    }

    private static func wait(_ seconds: Int) -> String {
        let minutes = max(1, (seconds + 59) / 60)
        return "\(minutes) minute\(minutes == 1 ? "" : "s")"
    }
}
