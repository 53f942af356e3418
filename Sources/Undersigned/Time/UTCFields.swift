import Foundation

/// A moment's Gregorian calendar fields in UTC, computed from the seconds since 1970. The
/// dates written in emails and pages need nothing else, and `Calendar` or `DateFormatter`
/// would bring in the locale library's code and data, megabytes of resident memory, for it.
struct UTCFields: Equatable {
    /// The proleptic Gregorian year, as a plain number (0 is 1 BC).
    let year: Int
    /// 1 to 12.
    let month: Int
    /// 1 to 31.
    let day: Int
    /// 0 for Sunday to 6 for Saturday.
    let weekday: Int
    let hour: Int
    let minute: Int
    let second: Int

    /// The fields of `date`, rounded down to the second. A date beyond about 300,000 years
    /// either side of 1970, far beyond any the platform writes, reads as 1970's first second.
    init(_ date: Date) {
        var seconds = date.timeIntervalSince1970.rounded(.down)
        if !seconds.isFinite || abs(seconds) >= 1e13 { seconds = 0 }
        let total = Int(seconds)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        (year, month, day) = Self.civilDate(daysSince1970: days)
        // 1 January 1970 was a Thursday.
        weekday = ((days % 7) + 7 + 4) % 7
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
    }

    /// Howard Hinnant's `civil_from_days`: eras of 400 years, years starting in March.
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `Wed, 25 Nov 2026 08:06:09` and `zone`: emails write `+0000` (RFC 5322), HTTP `GMT`
    /// (RFC 9110).
    func text(zone: String) -> String {
        let two = Self.twoDigits
        return "\(Self.weekdayNames[weekday]), \(two(day)) \(Self.monthNames[month - 1]) \(year) "
            + "\(two(hour)):\(two(minute)):\(two(second)) \(zone)"
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// A number of two digits or more: 09, 10.
    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
