import Foundation
import Logging

/// Writes log lines to standard error, one `write` each, in swift-log's stream format:
/// `2026-12-04T17:14:00Z warning undersigned: key=value [module] message`.
///
/// The web server sets a request identifier in every request's logger; swift-log's own
/// `StreamLogHandler` formats the whole metadata again at each such change, about 4% of the
/// server's time on a busy petition page even when nothing is logged. This one formats
/// metadata only for a line it writes.
struct StandardErrorLog: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(for: event, at: .now).utf8))
    }

    func line(for event: LogEvent, at time: Date) -> String {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let fields = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(time.formatted(.iso8601)) \(event.level) \(label):\(fields) [\(event.source)] \(event.message)\n"
    }
}
