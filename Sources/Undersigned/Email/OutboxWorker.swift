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
    private let backoff: @Sendable (_ attempts: Int) -> TimeInterval
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    public init(
        store: any OutboxStore, transport: any MailTransport, sealer: PersonalDataSealer, logger: Logger,
        pollInterval: Duration = .seconds(1), backoff: @escaping @Sendable (_ attempts: Int) -> TimeInterval = { OutboxWorker.backoff(attempts: $0) }
    ) {
        self.store = store
        self.transport = transport
        self.sealer = sealer
        self.logger = logger
        self.pollInterval = pollInterval
        self.backoff = backoff
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
                claimed = try await store.claimDueEmails(limit: 256, now: now, leaseUntil: now.addingTimeInterval(120))
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(String(reflecting: error))"])
                return
            }
            if claimed.isEmpty { return }
            var sent: [UUID] = []
            for email in claimed {
                if await deliver(email) { sent.append(email.id) }
            }
            do {
                try await store.markSent(sent)
            } catch {
                // They went out; their leases expire and they go again: at least once, as documented.
                logger.error("cannot mark emails sent", metadata: ["error": "\(String(reflecting: error))"])
                return
            }
        }
    }

    /// Whether the message went out; a failure is scheduled for a retry.
    private func deliver(_ email: ClaimedEmail) async -> Bool {
        do {
            let message = try sealer.open(EmailMessage.self, from: email.sealedMessage)
            try await transport.send(message)
            return true
        } catch {
            let retryAt = Date().addingTimeInterval(backoff(email.attempts))
            logger.warning(
                "email not sent; will retry",
                metadata: ["email.id": "\(email.id)", "attempts": "\(email.attempts)", "error": "\(type(of: error))"])
            try? await store.markFailed(email.id, retryAt: retryAt, error: String(describing: type(of: error)))
            return false
        }
    }

    /// Exponential backoff with jitter, from 5 seconds up to an hour.
    public static func backoff(attempts: Int) -> TimeInterval {
        let base = min(3600, 5 * pow(2, Double(max(0, attempts - 1))))
        return base * Double.random(in: 0.8...1.2)
    }
}
