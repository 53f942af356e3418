import Foundation

extension InterfaceLanguage {
    /// A whole number grouped by thousands as the language writes it: 12,345 · 12 345.
    func number(_ value: Int) -> String {
        let separator =
            switch self {
            case .en, .ar: ","
            case .fr: "\u{202F}"
            }
        let digits = String(value.magnitude)
        var result = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += separator }
            result.append(digit)
        }
        return result
    }

    /// A day, in UTC, as the locale data writes the long form (`d MMMM y`, Arabic with a comma
    /// before the year): 3 December 2026 · 3 décembre 2026 · 3 ديسمبر، 2026.
    func date(_ date: Date) -> String {
        day(UTCFields(date))
    }

    /// A moment, in UTC, to the minute: the day, then the time.
    func dateTime(_ date: Date) -> String {
        let fields = UTCFields(date)
        return "\(day(fields)), \(UTCFields.twoDigits(fields.hour)):\(UTCFields.twoDigits(fields.minute)) UTC"
    }

    private func day(_ fields: UTCFields) -> String {
        let month = monthNames[fields.month - 1]
        return switch self {
        case .en, .fr: "\(fields.day) \(month) \(fields.year)"
        case .ar: "\(fields.day) \(month)، \(fields.year)"
        }
    }

    /// The months' names in the form that follows a day, as in the locale data.
    private var monthNames: [String] {
        switch self {
        case .en: Self.englishMonths
        case .fr: Self.frenchMonths
        case .ar: Self.arabicMonths
        }
    }

    private static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    private static let frenchMonths = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre",
    ]
    private static let arabicMonths = [
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
    ]
}
