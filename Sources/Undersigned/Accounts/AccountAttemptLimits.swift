import Foundation
import HTTPTypes
import NIOCore

/// Limits sign-in attempts and reset requests per client address, beside the per-account
/// lockout: someone trying one password on many accounts meets this limit instead. As with
/// signing, the address is counted under a daily in-memory key and never stored.
final class AccountAttemptLimits: Sendable {
    static let windows = [RateLimiter.Window(limit: 10, period: 60), RateLimiter.Window(limit: 60, period: 3600)]

    private let limiter = RateLimiter(windows: AccountAttemptLimits.windows)
    private let keys = DailyAddressKeys()
    private let trustForwardedFor: Bool
    private let clock: WallClock

    init(trustForwardedFor: Bool, clock: WallClock) {
        self.trustForwardedFor = trustForwardedFor
        self.clock = clock
    }

    /// Takes one attempt for the request's client address, or throws 429 with the wait.
    func admit(peer: SocketAddress?, headers: HTTPFields) throws {
        let now = clock.now
        let address = ClientAddress.of(peer: peer, headers: headers, trustForwardedFor: trustForwardedFor)
        if case .refused(let seconds) = limiter.take(keys.key(for: address, at: now), at: now) {
            let minutes = max(1, (seconds + 59) / 60)
            throw AppError(
                status: .tooManyRequests, title: "Too many attempts from your connection",
                detail: "Many sign-in attempts have come from your network in a short time. Please try again in \(minutes) minute\(minutes == 1 ? "" : "s").",
                retryAfterSeconds: seconds)
        }
    }
}
