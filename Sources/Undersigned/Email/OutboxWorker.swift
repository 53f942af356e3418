import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Drains the outbox through the configured transport: woken right after a commit that
/// queued email, and every second for retries and for other instances' messages.
/// Delivery is at least once: a crash between sending and marking sent resends.
public final class OutboxWorker: Service, Sendable {
    private let store: any OutboxStore
    private let transport: any MailTransport
    private let sealer: PersonalDataSealer
    private let logger: Logger
    private let pollInterval: Duration
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    public init(
        store: any OutboxStore, transport: any MailTransport, sealer: PersonalDataSealer, logger: Logger,
        pollInterval: Duration = .seconds(1)
    ) {
        self.store = store
        self.transport = transport
        self.sealer = sealer
        self.logger = logger
        self.pollInterval = pollInterval
        (self.doorbell, self.ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the worker to look at the outbox now.
    public func wake() {
        ring.yield()
    }

    public func run() async throws {
        let ticker = Task { [ring, pollInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                ring.yield()
            }
        }
        defer { ticker.cancel() }
        await withGracefulShutdownHandler {
            for await _ in doorbell.cancelOnGracefulShutdown() {
                await drain()
            }
        } onGracefulShutdown: {
            self.ring.finish()
        }
    }

    /// Sends everything due; returns when the outbox has nothing due.
    public func drain() async {
        while !Task.isCancelled {
            let now = Date()
            let claimed: [ClaimedEmail]
            do {
                claimed = try await store.claimDueEmails(limit: 64, now: now, leaseUntil: now.addingTimeInterval(120))
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(String(reflecting: error))"])
                return
            }
            if claimed.isEmpty { return }
            for email in claimed {
                await deliver(email)
            }
        }
    }

    private func deliver(_ email: ClaimedEmail) async {
        do {
            let message = try sealer.open(EmailMessage.self, from: email.sealedMessage)
            try await transport.send(message)
            try await store.markSent(email.id)
        } catch {
            let retryAt = Date().addingTimeInterval(Self.backoff(attempts: email.attempts))
            logger.warning(
                "email not sent; will retry",
                metadata: ["email.id": "\(email.id)", "attempts": "\(email.attempts)", "error": "\(type(of: error))"])
            try? await store.markFailed(email.id, retryAt: retryAt, error: String(describing: type(of: error)))
        }
    }

    /// Exponential backoff with jitter, from 5 seconds up to an hour.
    static func backoff(attempts: Int) -> TimeInterval {
        let base = min(3600, 5 * pow(2, Double(max(0, attempts - 1))))
        return base * Double.random(in: 0.8...1.2)
    }
}
