import Foundation
import HTTPTypes
import NIOCore

/// Limits reports of petitions per client address, so that nobody can bury the moderation
/// queue. As with signing, the address is counted under a daily in-memory key and never
/// stored; the reports themselves hold nothing of who sent them.
final class ReportLimits: Sendable {
    static let windows = [RateLimiter.Window(limit: 3, period: 60), RateLimiter.Window(limit: 10, period: 3600)]

    private let limiter = RateLimiter(windows: ReportLimits.windows)
    private let keys = DailyAddressKeys()
    private let trustForwardedFor: Bool
    private let clock: WallClock

    init(trustForwardedFor: Bool, clock: WallClock) {
        self.trustForwardedFor = trustForwardedFor
        self.clock = clock
    }

    /// Takes one report for the request's client address, or throws 429 with the wait.
    func admit(peer: SocketAddress?, headers: HTTPFields) throws {
        let now = clock.now
        let address = ClientAddress.of(peer: peer, headers: headers, trustForwardedFor: trustForwardedFor)
        if case .refused(let seconds) = limiter.take(keys.key(for: address, at: now), at: now) {
            let minutes = max(1, (seconds + 59) / 60)
            throw AppError(
                status: .tooManyRequests, title: "Too many reports from your connection",
                detail: "Many reports have come from your network in a short time. Please try again in \(minutes) minute\(minutes == 1 ? "" : "s"). "
                    + "Reports already sent have reached the moderators.",
                retryAfterSeconds: seconds)
        }
    }
}
