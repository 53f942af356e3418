import Foundation
import Logging
import ServiceLifecycle

/// Signs the head of every log that has grown, a few seconds apart rather than per commit,
/// so a spike of confirmations costs a handful of signatures. Instances sharing a database
/// may sign the same head; the first stored is kept.
public struct TreeHeadSigner: Service {
    let store: any SignatureLogStore
    let key: LogSigningKey
    let logger: Logger
    let interval: Duration
    let clock: WallClock

    public init(
        store: any SignatureLogStore, key: LogSigningKey, logger: Logger, interval: Duration = .seconds(5),
        clock: WallClock = .system
    ) {
        self.store = store
        self.key = key
        self.logger = logger
        self.interval = interval
        self.clock = clock
    }

    /// Signs the current head of every log that has grown since its last signed head.
    public func signGrownLogs() async throws {
        for petitionID in try await store.petitionsWithUnsignedEntries() {
            _ = try await signCurrentHead(of: petitionID)
        }
    }

    /// Signs the log's head as it is now, grown or not (an empty log too), and returns the
    /// latest signed head: for a delivery, which must carry one.
    public func signCurrentHead(of petitionID: UUID) async throws -> SignedTreeHead {
        let state = try await store.logState(petitionID: petitionID)
        try await store.insert(
            try key.sign(
                petitionID: petitionID, size: state.frontier.size, root: state.frontier.root, count: state.count,
                timestamp: clock.now))
        guard let head = try await store.latestTreeHead(petitionID: petitionID) else {
            throw DeliveryError.nothingSigned
        }
        return head
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            do {
                try await signGrownLogs()
            } catch {
                logger.error("cannot sign tree heads", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
