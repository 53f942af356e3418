import Foundation
import Logging
import ServiceLifecycle

/// How long data is kept. Unconfirmed signatures are never counted and are deleted after a
/// week, as the confirmation email promises.
public struct RetentionPolicy: Sendable {
    public var unconfirmedSignatures: Duration

    public static let standard = RetentionPolicy(unconfirmedSignatures: .seconds(7 * 24 * 3600))

    public init(unconfirmedSignatures: Duration) {
        self.unconfirmedSignatures = unconfirmedSignatures
    }
}

/// Applies the retention policy once; `undersigned purge` and ``RetentionService`` both use it.
public struct Purge: Sendable {
    public let signatures: any SignatureStore
    public let policy: RetentionPolicy

    public init(signatures: any SignatureStore, policy: RetentionPolicy = .standard) {
        self.signatures = signatures
        self.policy = policy
    }

    public struct Result: Sendable, Equatable {
        public var unconfirmedSignaturesDeleted: Int
    }

    public func run(now: Date = Date()) async throws -> Result {
        let cutoff = now.addingTimeInterval(-TimeInterval(policy.unconfirmedSignatures.components.seconds))
        return Result(unconfirmedSignaturesDeleted: try await signatures.deleteUnconfirmed(before: cutoff))
    }
}

/// Runs the purge inside `serve`, shortly after start and then every hour.
public struct RetentionService: Service {
    let purge: Purge
    let logger: Logger
    let interval: Duration

    public init(purge: Purge, logger: Logger, interval: Duration = .seconds(3600)) {
        self.purge = purge
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        var wait = Duration.seconds(10)
        while true {
            try? await cancelWhenGracefulShutdown { [wait] in try await Task.sleep(for: wait) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                let result = try await purge.run()
                if result.unconfirmedSignaturesDeleted > 0 {
                    logger.notice("retention: deleted unconfirmed signatures", metadata: ["count": "\(result.unconfirmedSignaturesDeleted)"])
                }
            } catch {
                logger.error("retention: purge failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            wait = interval
        }
    }
}
