import Foundation
import NIOSSL

/// Sends through an SMTP server over a few connections kept open between messages, so a
/// batch pays for the handshake (TCP, TLS, AUTH) once per connection, not once per message.
public final class SMTPMailTransport: MailTransport {
    private let composer: MailComposer
    private let pool: SMTPConnectionPool
    public let parallelism: Int

    public init(configuration: SMTPConfiguration, composer: MailComposer) throws {
        self.composer = composer
        self.pool = SMTPConnectionPool(configuration: configuration, tls: try configuration.makeTLSContext())
        self.parallelism = configuration.connections
    }

    public func send(_ message: EmailMessage) async throws {
        let content = try composer.compose(message)
        let session = try await pool.acquire()
        // Each command and reply is a step on the connection's event loop: the exchange
        // runs there instead of crossing threads twice a step.
        let (usable, error) = await withTaskExecutorPreference(session.channel.executor) {
            await self.send(content, to: message.to, on: session)
        }
        await keep(session, if: usable)
        if let error { throw error }
    }

    /// Keeps one connection for as long as it can carry messages, and runs on its event loop
    /// throughout, making each message there too: taking a connection from the pool and
    /// moving to its thread for every message had cost more wake-ups than the message did.
    public func sendInTurn<Item: Sendable>(
        next: @Sendable () -> Item?, message: @Sendable (Item) async throws -> EmailMessage,
        done: @Sendable (Item, (any Error)?) async -> Void
    ) async {
        var waiting = next()
        while let first = waiting {
            let session: SMTPSession
            do {
                session = try await pool.acquire()
            } catch {
                await done(first, error)
                waiting = next()
                continue
            }
            let (usable, left) = await withTaskExecutorPreference(session.channel.executor) {
                () async -> (Bool, Item?) in
                var item: Item? = first
                while let current = item {
                    let usable: Bool
                    let failure: (any Error)?
                    do {
                        let email = try await message(current)
                        (usable, failure) = await self.send(try self.composer.compose(email), to: email.to, on: session)
                    } catch {
                        // Nothing was said to the server: the connection carries on.
                        (usable, failure) = (true, error)
                    }
                    await done(current, failure)
                    item = next()
                    if !usable { return (false, item) }
                }
                return (true, nil)
            }
            await keep(session, if: usable)
            waiting = left
        }
    }

    /// One message on `session`, and whether the session can carry the next: a refused
    /// message is reset and the connection goes on; any other failure leaves it unusable.
    private func send(_ content: String, to recipient: String, on session: SMTPSession) async
        -> (usable: Bool, error: (any Error)?)
    {
        do {
            try await session.send(from: composer.identity.from.address, to: recipient, message: content)
            return (true, nil)
        } catch let error as SMTPError where error.isRejection {
            return ((try? await session.reset()) != nil, error)
        } catch {
            return (false, error)
        }
    }

    private func keep(_ session: SMTPSession, if usable: Bool) async {
        if usable {
            await pool.release(session)
        } else {
            await pool.discard(session)
        }
    }

    public func shutdown() async {
        await pool.shutdown()
    }
}

/// At most `connections` sessions, handed out one task at a time.
actor SMTPConnectionPool {
    private let configuration: SMTPConfiguration
    private let tls: NIOSSLContext
    private var idle: [(session: SMTPSession, since: ContinuousClock.Instant)] = []
    private var open = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(configuration: SMTPConfiguration, tls: NIOSSLContext) {
        self.configuration = configuration
        self.tls = tls
    }

    func acquire() async throws -> SMTPSession {
        while true {
            while let (session, since) = idle.popLast() {
                if session.isActive, since.duration(to: .now) < configuration.maximumIdleTime { return session }
                open -= 1
                Task { await session.quit() }
            }
            if open < configuration.connections {
                open += 1
                do {
                    return try await SMTPSession.open(configuration, tls: tls)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    func release(_ session: SMTPSession) {
        idle.append((session, .now))
        wakeOne()
    }

    func discard(_ session: SMTPSession) async {
        open -= 1
        wakeOne()
        await session.close()
    }

    /// Says QUIT on every idle connection.
    func shutdown() async {
        let sessions = idle.map(\.session)
        idle.removeAll()
        open -= sessions.count
        for session in sessions { await session.quit() }
    }

    private func wakeOne() {
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }
}
