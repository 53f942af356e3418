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
        let sender = composer.identity.from.address
        do {
            // Each command and reply is a step on the connection's event loop: the exchange
            // runs there instead of crossing threads twice a step.
            try await withTaskExecutorPreference(session.channel.executor) {
                try await session.send(from: sender, to: message.to, message: content)
            }
            await pool.release(session)
        } catch let error as SMTPError where error.isRejection {
            // The server refused this message but still talks: reset and keep the connection.
            if (try? await session.reset()) != nil {
                await pool.release(session)
            } else {
                await pool.discard(session)
            }
            throw error
        } catch {
            await pool.discard(session)
            throw error
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
