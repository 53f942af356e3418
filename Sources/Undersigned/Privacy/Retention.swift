import Foundation
import Logging
import ServiceLifecycle

/// How long data is kept. Unconfirmed signatures are never counted and are deleted after a
/// week, as the confirmation email promises. Once a petition is delivered, its signers' names
/// and addresses are needed only for a while (a target may ask for the list again); after
/// that they are erased, and the counts, per-country figures and signature log stay.
public struct RetentionPolicy: Sendable {
    public var unconfirmedSignatures: Duration
    public var personalDataAfterDelivery: Duration

    public init(unconfirmedSignatures: Duration = .seconds(7 * 24 * 3600), personalDataAfterDelivery: Duration) {
        self.unconfirmedSignatures = unconfirmedSignatures
        self.personalDataAfterDelivery = personalDataAfterDelivery
    }

    public init(settings: Settings) {
        self.init(personalDataAfterDelivery: settings.deliveredDataRetention)
    }
}

/// Applies the retention policy once; `undersigned purge` and ``RetentionService`` both use it.
public struct Purge: Sendable {
    public let signatures: any SignatureStore
    public let policy: RetentionPolicy
    let clock: WallClock

    public init(signatures: any SignatureStore, policy: RetentionPolicy, clock: WallClock = .system) {
        self.signatures = signatures
        self.policy = policy
        self.clock = clock
    }

    public struct Result: Sendable, Equatable {
        public var unconfirmedSignaturesDeleted: Int
        public var signaturesErasedAfterDelivery: Int
    }

    public func run() async throws -> Result {
        try await run(now: clock.now)
    }

    func run(now: Date) async throws -> Result {
        func ago(_ duration: Duration) -> Date { now.addingTimeInterval(-TimeInterval(duration.components.seconds)) }
        return Result(
            unconfirmedSignaturesDeleted: try await signatures.deleteUnconfirmed(
                before: ago(policy.unconfirmedSignatures)),
            signaturesErasedAfterDelivery: try await signatures.erasePersonalData(
                ofPetitionsDeliveredBefore: ago(policy.personalDataAfterDelivery)))
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
                    logger.notice(
                        "retention: deleted unconfirmed signatures",
                        metadata: ["count": "\(result.unconfirmedSignaturesDeleted)"])
                }
                if result.signaturesErasedAfterDelivery > 0 {
                    logger.notice(
                        "retention: erased personal data of delivered petitions",
                        metadata: ["count": "\(result.signaturesErasedAfterDelivery)"])
                }
            } catch {
                logger.error("retention: purge failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            wait = interval
        }
    }
}
