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

    /// A day, in UTC: 3 December 2026 · 3 décembre 2026 · 3 ديسمبر، 2026.
    func date(_ date: Date) -> String {
        Self.dayFormatters[self]?.string(from: date) ?? ""
    }

    /// A moment, in UTC, to the minute: the day, then the time.
    func dateTime(_ date: Date) -> String {
        "\(self.date(date)), \(Self.timeFormatter.string(from: date)) UTC"
    }

    private static let dayFormatters: [InterfaceLanguage: DateFormatter] = Dictionary(
        uniqueKeysWithValues: allCases.map { language in
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: language.formattingLocale)
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.setLocalizedDateFormatFromTemplate("dMMMMy")
            return (language, formatter)
        })

    private static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        return formatter
    }()

    private var formattingLocale: String {
        switch self {
        case .en: "en_GB"
        case .fr: "fr_FR"
        case .ar: "ar"
        }
    }
}
