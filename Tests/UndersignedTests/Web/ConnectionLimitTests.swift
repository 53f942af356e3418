import Foundation
import Testing

@testable import Undersigned

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server takes a bounded number of connections at once; the others wait their turn.
@Suite("Connection limit")
struct ConnectionLimitTests {
    @Test("a connection past the limit waits, unanswered, until another closes; then it is served")
    func waitsItsTurn() async throws {
        let instance = try await TestInstance(.sqlite) { settings, _ in settings.maxConnections = 2 }
        try await instance.serve { port in
            let first = try await RawHTTP.KeptConnection(port: port, path: "/healthz")
            let second = try await RawHTTP.KeptConnection(port: port, path: "/healthz")
            #expect(first.status == "HTTP/1.1 200 OK" && second.status == "HTTP/1.1 200 OK")

            let answered = Locked(false)
            let third = Task {
                let response = try await RawHTTP.get(port: port, path: TestInstance.seedPath)
                answered.withLock { $0 = true }
                return response
            }
            try await Task.sleep(for: .seconds(1))
            #expect(!answered.value, "a third connection was served while two were open")

            first.hangUp()
            let response = try await third.value
            #expect(response.head.hasPrefix("HTTP/1.1 200"))
            second.hangUp()
        }
    }

    @Test("/metrics tells the connections open and the limit")
    func metrics() async throws {
        let instance = try await TestInstance(.sqlite) { settings, _ in settings.maxConnections = 3 }
        try await instance.serve { port in
            let kept = try await RawHTTP.KeptConnection(port: port, path: "/healthz")
            let withKept = try await RawHTTP.get(port: port, path: "/metrics")
            let text = String(decoding: withKept.body, as: UTF8.self)
            #expect(text.contains("\nundersigned_connection_limit 3"))
            // The one kept open, and the one asking.
            #expect(text.contains("\nundersigned_connections 2"))

            kept.hangUp()
            var alone = ""
            for _ in 0..<50 where !alone.contains("\nundersigned_connections 1") {
                try await Task.sleep(for: .milliseconds(100))
                alone = String(decoding: try await RawHTTP.get(port: port, path: "/metrics").body, as: UTF8.self)
            }
            #expect(alone.contains("\nundersigned_connections 1"), "a closed connection is still counted")
        }
    }

    @Test("the limit leaves files to the server's own use, and is never below one connection")
    func allowed() {
        #expect(ConnectionLimit.allowed(requested: nil, openFiles: 65_536) == 65_536 - ConnectionLimit.reservedFiles)
        #expect(ConnectionLimit.allowed(requested: 1024, openFiles: 65_536) == 1024)
        #expect(ConnectionLimit.allowed(requested: 1024, openFiles: 1024) == 1024 - ConnectionLimit.reservedFiles)
        #expect(ConnectionLimit.allowed(requested: nil, openFiles: 200) == 150)
        #expect(ConnectionLimit.allowed(requested: 1024, openFiles: 1) == 1)
    }

    @Test("the open-file limit is raised as far as it goes and reported as it then stands")
    func openFileLimit() throws {
        let reported = try #require(ConnectionLimit.raiseOpenFileLimit())
        var limit = rlimit()
        #if canImport(Glibc)
            #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        #else
            #expect(getrlimit(RLIMIT_NOFILE, &limit) == 0)
        #endif
        #expect(reported == Int(clamping: limit.rlim_cur))
        // No process may have unlimited files: a hard limit of "unlimited" stays out of reach.
        #expect(limit.rlim_cur == limit.rlim_max || limit.rlim_max == rlim_t.max)
    }
}
