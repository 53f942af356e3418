import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Challenges already used, remembered until they expire, so that each buys one signature.
/// Memory refuses a replay at this instance; on a shared database every redemption is also
/// recorded there, in batches, so that another instance refuses it too.
final class RedeemedChallenges: Service, Sendable {
    private struct Memory {
        /// Nonces by the minute their challenge expires in, dropped a slot at a time. Eight of
        /// a nonce's sixteen random bytes tell them apart well enough (among the three million
        /// of ten minutes at 5,000 a second, any two colliding is a one in four million chance,
        /// and costs a press of Sign again) at half the memory.
        var byExpiryMinute: [Int64: Set<UInt64>] = [:]
        var purgedBefore: Int64 = 0
    }

    private struct Queue {
        var waiting: [(RedeemedChallenge, CheckedContinuation<Bool, any Error>)] = []
        var accepting = true
    }

    private let store: (any AbuseStore)?
    private let logger: Logger
    private let memory = Mutex(Memory())
    private let queue = Mutex(Queue())
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    /// - Parameter store: the shared database, or `nil` when this instance is alone.
    init(store: (any AbuseStore)?, logger: Logger) {
        self.store = store
        self.logger = logger
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Marks `challenge` as used; false when it had been used already.
    func redeem(_ challenge: ProofOfWork.Challenge, now: Date) async throws -> Bool {
        let key = challenge.nonce.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let minute = Int64(challenge.expiresAt.timeIntervalSince1970 / 60)
        let fresh = memory.withLock { memory in
            let current = Int64(now.timeIntervalSince1970 / 60)
            if memory.purgedBefore < current {
                memory.byExpiryMinute = memory.byExpiryMinute.filter { $0.key >= current }
                memory.purgedBefore = current
            }
            return memory.byExpiryMinute[minute, default: []].insert(key).inserted
        }
        guard fresh, store != nil else { return fresh }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                submit(RedeemedChallenge(nonce: challenge.nonce, expiresAt: challenge.expiresAt), continuation)
            }
        } catch {
            // Not recorded: the same challenge may be tried again.
            _ = memory.withLock { $0.byExpiryMinute[minute]?.remove(key) }
            throw error
        }
    }

    /// Records queued redemptions in the shared database, all those waiting in one statement.
    func run() async throws {
        guard let store else {
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            for await _ in doorbell {
                while true {
                    let batch = queue.withLock { queue in
                        defer { queue.waiting.removeAll() }
                        return queue.waiting
                    }
                    if batch.isEmpty { break }
                    do {
                        let fresh = try await store.redeem(batch.map(\.0))
                        for (challenge, continuation) in batch {
                            continuation.resume(returning: fresh.contains(challenge.nonce))
                        }
                    } catch {
                        logger.error(
                            "recording redeemed challenges failed", metadata: ["error": "\(String(reflecting: error))"])
                        for (_, continuation) in batch { continuation.resume(throwing: WriteFailed()) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.ring.finish()
        }
        let waiting = queue.withLock { queue in
            queue.accepting = false
            defer { queue.waiting.removeAll() }
            return queue.waiting
        }
        for (_, continuation) in waiting { continuation.resume(throwing: Overloaded()) }
    }

    private func submit(_ challenge: RedeemedChallenge, _ continuation: CheckedContinuation<Bool, any Error>) {
        let accepted = queue.withLock { queue in
            guard queue.accepting else { return false }
            queue.waiting.append((challenge, continuation))
            return true
        }
        if accepted {
            ring.yield()
        } else {
            continuation.resume(throwing: Overloaded())
        }
    }
}
