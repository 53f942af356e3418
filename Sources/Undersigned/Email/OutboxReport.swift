import Foundation

/// The outbox as an instance admin reads it in a terminal: ids, states, times and the
/// servers' replies. The content and the recipients stay sealed.
public enum OutboxReport {
    public static func text(status: OutboxStatus, entries: [OutboxEntry], now: Date) -> String {
        var lines = ["queued: \(status.queued), failed: \(status.failed)"]
        if let oldest = status.oldestQueuedAt {
            lines[0] += ", oldest queued since \(timestamp(oldest)) (\(Int(now.timeIntervalSince(oldest)))s)"
        }
        for entry in entries {
            var line =
                "\(entry.id.text)  \(entry.state.rawValue)  created \(timestamp(entry.createdAt))  attempts \(entry.attempts)"
            if entry.state == .queued { line += "  next \(timestamp(entry.nextAttemptAt))" }
            lines.append(line)
            for attempt in entry.history {
                let code = attempt.replyCode.map(String.init) ?? "---"
                lines.append(
                    "    #\(attempt.number)  \(timestamp(attempt.at))  \(attempt.outcome.rawValue)  \(code)  \(attempt.detail)"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
