import Foundation

/// When a pending signature may still be confirmed, and so counted. The one rule, read by
/// the write path's confirming statement and by the pages that explain it:
/// - while the petition is open, always;
/// - after it closes, for ``graceAfterClosing``, so that someone who signed in its last
///   minutes and opens the email a little later is still counted;
/// - never once a delivery has been recorded, since the count a target received must not
///   move afterwards, nor on a petition taken down.
public enum ConfirmationWindow {
    public static let graceAfterClosing: TimeInterval = 48 * 3600

    /// The earliest closing time whose grace period has not ended at `now`.
    public static func closedNoEarlierThan(_ now: Date) -> Date {
        now.addingTimeInterval(-graceAfterClosing)
    }

    /// Whether a signature of `petition` may be confirmed at `now`.
    public static func allows(_ petition: Petition, hasDeliveries: Bool, at now: Date) -> Bool {
        switch petition.state {
        case .open: true
        case .closed: !hasDeliveries && (petition.stateChangedAt.map { $0 >= closedNoEarlierThan(now) } ?? false)
        case .draft, .pendingReview, .delivered, .takenDown: false
        }
    }

    /// When the grace period of a closed petition ends.
    public static func deadline(of petition: Petition) -> Date? {
        guard petition.state == .closed else { return nil }
        return petition.stateChangedAt?.addingTimeInterval(graceAfterClosing)
    }
}
