import Foundation

/// The instance keeps and writes every time in UTC and never reads the local zone. Hummingbird's
/// date cache asks Foundation for the current zone all the same, and any zone but GMT is
/// resolved through the locale library's zone data: about 2 MB more resident memory for the
/// process's whole life. So the zone is GMT unless the environment names one.
enum ProcessTimeZone {
    /// Called first thing in `main`, before anything reads the zone.
    static func defaultToGMT() {
        setenv("TZ", "GMT", 0)
    }
}
