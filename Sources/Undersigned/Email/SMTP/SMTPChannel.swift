import NIOCore
import NIOPosix
import NIOSSL

/// One TCP connection to an SMTP server: writes commands, and waits for replies in order,
/// each within a timeout.
final class SMTPChannel: Sendable {
    private let channel: any Channel
    private let reader: NIOLoopBound<SMTPReplyReader>
    private let replyTimeout: TimeAmount

    private init(channel: any Channel, reader: NIOLoopBound<SMTPReplyReader>, replyTimeout: TimeAmount) {
        self.channel = channel
        self.reader = reader
        self.replyTimeout = replyTimeout
    }

    /// Connects, with TLS from the first byte when `tls` is given (implicit TLS, port 465).
    static func connect(
        host: String, port: Int, tls: NIOSSLContext?, connectTimeout: TimeAmount, replyTimeout: TimeAmount
    ) async throws -> SMTPChannel {
        let serverHostname = SMTPChannel.serverName(host)
        // The reader is made first so that it outlives a channel that fails at once (a TLS
        // handshake refused): it keeps the reason.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let reader = try await eventLoop.submit {
            NIOLoopBound(SMTPReplyReader(eventLoop: eventLoop), eventLoop: eventLoop)
        }.get()
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(reader.value)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw SMTPError.connectionFailed(String(describing: error))
        }
        return SMTPChannel(channel: channel, reader: reader, replyTimeout: replyTimeout)
    }

    var isActive: Bool { channel.isActive }

    /// Where the connection's reads and writes happen: a session that runs its task there
    /// writes and reads its replies without waking another thread for each.
    var executor: EventLoopTaskExecutor { EventLoopTaskExecutor(loop: channel.eventLoop) }

    func write(_ text: String) async throws {
        try await write(ByteBuffer(string: text))
    }

    func write(_ buffer: ByteBuffer) async throws {
        do {
            try await channel.writeAndFlush(buffer).get()
        } catch {
            // The reader knows why the connection went (a refused TLS certificate, say).
            let reader = self.reader
            let reason = try? await onLoop { reader.value.failure }
            throw reason ?? SMTPError.connectionClosed
        }
    }

    /// The next reply, in the order commands were written.
    func reply() async throws -> SMTPReply {
        let reader = self.reader
        let timeout = replyTimeout
        return try await onLoop { reader.value.nextReply(timeout: timeout) }.get()
    }

    /// `body` run on the channel's event loop: at once when the caller is already there.
    private func onLoop<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        let loop = channel.eventLoop
        if loop.inEventLoop { return try body() }
        return try await loop.submit(body).get()
    }

    func command(_ line: String) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await reply()
    }

    /// Puts TLS under the conversation after the server's 220 to STARTTLS.
    func startTLS(_ context: NIOSSLContext, host: String) async throws {
        let reader = self.reader
        let channel = self.channel
        let serverHostname = SMTPChannel.serverName(host)
        try await channel.eventLoop.flatSubmit {
            channel.eventLoop.makeCompletedFuture {
                // Anything sent before the handshake would be read as if it came through TLS.
                guard !reader.value.hasUnreadInput else {
                    throw SMTPError.tls("the server sent data before the TLS handshake")
                }
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: context, serverHostname: serverHostname), position: .first)
            }
        }.get()
    }

    func close() async {
        try? await channel.close().get()
    }

    /// SNI carries names only: an IP address is checked against the certificate's IP entries.
    private static func serverName(_ host: String) -> String? {
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        return isAddress ? nil : host
    }
}

/// Parses the bytes from the server into replies and hands them to whoever waits, in order.
/// A timeout, a malformed reply or a closed connection fails every waiter and closes.
final class SMTPReplyReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var buffer = ByteBuffer()
    private var parser = SMTPReplyParser()
    private var arrived = CircularBuffer<SMTPReply>()
    private var waiting = CircularBuffer<(promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>)>()
    private(set) var failure: SMTPError?
    private var context: ChannelHandlerContext?
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        do {
            for reply in try parser.parse(&buffer) {
                if let waiter = waiting.popFirst() {
                    waiter.timeout.cancel()
                    waiter.promise.succeed(reply)
                } else {
                    arrived.append(reply)
                }
            }
            buffer.discardReadBytes()
        } catch {
            fail(.malformedReply)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let isTLS = error is NIOSSLError || error is NIOSSLExtraError
        fail(isTLS ? .tls(String(describing: error)) : .connectionFailed(String(describing: error)))
    }

    func nextReply(timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        guard let context else { return eventLoop.makeFailedFuture(failure ?? SMTPError.connectionClosed) }
        if let reply = arrived.popFirst() { return context.eventLoop.makeSucceededFuture(reply) }
        if let failure { return context.eventLoop.makeFailedFuture(failure) }
        let promise = context.eventLoop.makePromise(of: SMTPReply.self)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let scheduled = context.eventLoop.scheduleTask(in: timeout) { bound.value.fail(.timeout) }
        waiting.append((promise, scheduled))
        return promise.futureResult
    }

    var hasUnreadInput: Bool { !arrived.isEmpty || buffer.readableBytes > 0 || parser.isInsideReply }

    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        while let waiter = waiting.popFirst() {
            waiter.timeout.cancel()
            waiter.promise.fail(failure ?? error)
        }
        context?.close(promise: nil)
    }
}
