import Foundation

/// Confirmations per day as an SVG bar chart, drawn on the server and placed in the page:
/// nothing to load and no script. The site's stylesheet colours it (the Content-Security-Policy
/// allows no inline styles); its title and description, and a title per bar, are what screen
/// readers and tooltips give, and the page shows the same figures as a table.
enum ConfirmationChart {
    static let width = 720.0
    static let height = 240.0
    private static let left = 56.0
    private static let right = 8.0
    private static let top = 12.0
    private static let bottom = 28.0

    /// The chart with its words, numbers and dates in the language of `words`.
    static func svg(_ days: [PetitionDashboard.DailyCount], words: Translation = Translations.english) -> String {
        let language = words.language
        func date(_ day: UTCDay) -> String { language.date(day.start) }
        guard let first = days.first, let last = days.last else { return "" }
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let highest = days.map(\.confirmed).max() ?? 0
        let scale = niceCeiling(max(highest, 1))
        let slot = plotWidth / Double(days.count)
        let barWidth = min(slot * 0.8, 24)
        let total = days.reduce(0) { $0 + $1.confirmed }

        var description = words.text(
            .dashboardChartDescription,
            ["from": date(first.day), "to": date(last.day), "total": language.number(total)])
        if let busiest = days.max(by: { $0.confirmed < $1.confirmed }), busiest.confirmed > 0 {
            description +=
                " "
                + words.text(
                    .dashboardChartBusiest, ["count": language.number(busiest.confirmed), "date": date(busiest.day)])
        }
        // Time runs left to right in every language: `direction` keeps the labels' anchors in place
        // on a right-to-left page.
        var parts = [
            "<svg class=\"chart\" direction=\"ltr\" viewBox=\"0 0 \(format(width)) \(format(height))\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">",
            "<title id=\"chart-title\">\(HTMLSanitizer.escapeAttribute(words.text(.dashboardChartTitle)))</title>",
            "<desc id=\"chart-desc\">\(HTMLSanitizer.escapeAttribute(description))</desc>",
        ]
        // Grid lines with their values: the top, the middle when it is a whole number, and zero.
        for value in [scale, scale % 2 == 0 ? scale / 2 : nil, 0].compactMap({ $0 }) {
            let y = top + plotHeight * (1 - Double(value) / Double(scale))
            parts.append(
                "<line class=\"grid\" x1=\"\(format(left))\" y1=\"\(format(y))\" x2=\"\(format(width - right))\" y2=\"\(format(y))\"/>"
                    + "<text class=\"axis\" x=\"\(format(left - 6))\" y=\"\(format(y + 4))\" text-anchor=\"end\">\(language.number(value))</text>"
            )
        }
        for (index, day) in days.enumerated() where day.confirmed > 0 {
            let barHeight = max(plotHeight * Double(day.confirmed) / Double(scale), 1)
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            parts.append(
                "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(top + plotHeight - barHeight))\" width=\"\(format(barWidth))\" "
                    + "height=\"\(format(barHeight))\"><title>\(date(day.day)): \(language.number(day.confirmed))</title></rect>"
            )
        }
        let labelY = format(height - 8)
        parts.append(
            "<text class=\"axis\" x=\"\(format(left))\" y=\"\(labelY)\" text-anchor=\"start\">\(date(first.day))</text>"
        )
        if days.count > 1 {
            parts.append(
                "<text class=\"axis\" x=\"\(format(width - right))\" y=\"\(labelY)\" text-anchor=\"end\">\(date(last.day))</text>"
            )
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// The smallest of 1, 2, 5, 10, 20, 50… that is at least `value`, so the scale reads easily.
    static func niceCeiling(_ value: Int) -> Int {
        var magnitude = 1
        while true {
            for step in [1, 2, 5] where step * magnitude >= value {
                return step * magnitude
            }
            magnitude *= 10
        }
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
