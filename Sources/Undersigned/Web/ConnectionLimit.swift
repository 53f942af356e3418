import CoreMetrics
import HummingbirdCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many connections the server serves at once; the others wait in the system's queue
/// until one closes. Without a limit, connections took every file the process may open:
/// the database, mail and exports could open none, and the event loop, told again and again
/// of connections waiting, failed to accept them without pause, a core spent on nothing.
enum ConnectionLimit {
    /// Files kept for the server's own use: its database connections and their journals,
    /// mail being written or sent, exports, packages and the event loops' own descriptors.
    /// It uses about 40; under a small limit, a quarter of it is kept.
    static let reservedFiles = 256

    /// As many as the process may open files besides its own, or `requested` if fewer.
    static func allowed(requested: Int?, openFiles: Int) -> Int {
        let available = max(1, openFiles - min(reservedFiles, openFiles / 4))
        return requested.map { min($0, available) } ?? available
    }

    /// Raises the process's limit on open files to the most it may have, as servers do (the
    /// system's default is often 1,024), and returns the limit then in force; `nil` when it
    /// cannot be read.
    static func raiseOpenFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}

/// Hummingbird's gate on new connections, open while fewer than `maximum` are, with both
/// numbers in `/metrics` (`undersigned_connections`, `undersigned_connection_limit`): a server
/// at its limit has visitors waiting. Only the listening socket's event loop calls it.
struct CountedConnections: AvailableConnectionsDelegate {
    let maximum: Int
    private let open: Gauge
    private var count = 0

    init(maximum: Int, factory: any MetricsFactory) {
        self.maximum = maximum
        open = Gauge(label: "undersigned_connections", factory: factory)
        Gauge(label: "undersigned_connection_limit", factory: factory).record(maximum)
        open.record(0)
    }

    mutating func connectionOpened() {
        count += 1
        open.record(count)
    }

    mutating func connectionClosed() {
        count -= 1
        open.record(count)
    }

    func isAcceptingNewConnections() -> Bool {
        count < maximum
    }
}
