import Foundation
import Logging
import Testing

@testable import Undersigned

@Suite("Standard error log")
struct StandardErrorLogTests {
    @Test(
        "a line carries the time, level, label, sorted metadata with the event's own over the logger's, and the message"
    )
    func line() {
        var log = StandardErrorLog(label: "undersigned", level: .info)
        log[metadataKey: "zone"] = "logger"
        log[metadataKey: "hb.request.id"] = "42"
        let event = LogEvent(
            level: .warning, message: "outbox paused", metadata: ["zone": "event", "attempt": "3"],
            source: "Undersigned", file: #fileID, function: #function, line: #line)
        let line = log.line(for: event, at: Date(timeIntervalSince1970: 1_796_400_000))
        #expect(
            line
                == "2026-12-04T16:00:00Z warning undersigned: attempt=3 hb.request.id=42 zone=event [Undersigned] outbox paused\n"
        )
    }

    @Test("an error logged with an event names its type and message")
    func error() {
        struct Refused: Error, CustomStringConvertible { var description: String { "refused" } }
        let log = StandardErrorLog(label: "undersigned", level: .trace)
        var event = LogEvent(
            level: .error, message: "send failed", metadata: nil, source: "Undersigned", file: #fileID,
            function: #function, line: #line)
        event.error = Refused()
        let line = log.line(for: event, at: Date(timeIntervalSince1970: 0))
        #expect(line.hasPrefix("1970-01-01T00:00:00Z error undersigned: error.message=refused error.type="))
        #expect(line.contains("Refused") && line.hasSuffix(" [Undersigned] send failed\n"))
    }
}
