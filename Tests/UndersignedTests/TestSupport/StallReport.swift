import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Names what a stalled test run is waiting for. Steps of the test instances (creating a
/// database, building, serving, each request) are recorded while they last; when none has
/// begun or ended for a minute, every step still open is written to standard error, from a
/// thread of its own, so that a run that stops making progress says where.
enum StallReport {
    private struct State {
        var steps: [UUID: (what: String, since: ContinuousClock.Instant)] = [:]
        var lastChange = ContinuousClock.now
    }
    private static let state = Mutex(State())
    private static let watcher: Bool = {
        Thread {
            while true {
                Thread.sleep(forTimeInterval: 30)
                let now = ContinuousClock.now
                let open = state.withLock { state in
                    now - state.lastChange > .seconds(60)
                        ? state.steps.values.map { "\($0.what) (\((now - $0.since).components.seconds) s)" } : nil
                }
                if let open {
                    let report =
                        "No test step has begun or ended for a minute; open: " + open.sorted().joined(separator: "; ")
                    FileHandle.standardError.write(Data((report + "\n").utf8))
                }
            }
        }.start()
        return true
    }()

    static func during<Value>(_ what: @autoclosure () -> String, _ body: () async throws -> Value) async rethrows
        -> Value
    {
        _ = watcher
        let id = UUID()
        state.withLock {
            $0.steps[id] = (what(), .now)
            $0.lastChange = .now
        }
        defer {
            state.withLock {
                $0.steps.removeValue(forKey: id)
                $0.lastChange = .now
            }
        }
        return try await body()
    }
}

/// The application with each of its services and start-up steps recorded by ``StallReport``.
struct ReportedApplication<App: ApplicationProtocol>: ApplicationProtocol {
    let app: App
    let name: String
    /// Told the port the server listens on, once it does.
    var listening: @Sendable (Int) -> Void = { _ in }

    var responder: App.Responder { get async throws { try await app.responder } }
    var server: HTTPServerBuilder { app.server }
    var eventLoopGroup: any EventLoopGroup { app.eventLoopGroup }
    var configuration: ApplicationConfiguration { app.configuration }
    var logger: Logger { app.logger }
    @Sendable func onServerRunning(_ channel: any Channel) async {
        await app.onServerRunning(channel)
        if let port = channel.localAddress?.port { listening(port) }
    }
    var services: [any Service] {
        app.services.map { ReportedService(service: $0, name: "\(type(of: $0)) of the \(name)") }
    }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] {
        app.processesRunBeforeServerStart.map { process in
            { [name] in try await StallReport.during("preparing the \(name)") { try await process() } }
        }
    }
}

struct ReportedService: Service {
    let service: any Service
    let name: String
    func run() async throws {
        try await StallReport.during(name) { try await service.run() }
    }
}
