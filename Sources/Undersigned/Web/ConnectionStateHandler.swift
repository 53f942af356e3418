import NIOCore
import NIOHTTP1

/// Closes a connection left idle for too long, and, once the server shuts down, each
/// connection as soon as it has answered every request it read. It does the work of
/// Hummingbird's own connection state handler, in its place, but next to the HTTP/1 codec:
/// requests answered from memory (``ReplayHandler``) never reach the application, and are
/// counted here as every other.
final class ConnectionStateHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let idleTimeout: TimeAmount
    /// Requests whose head was read and whose answer has not ended.
    private var unanswered = 0
    private var isReadingRequest = false
    private var lastActive = NIODeadline.uptimeNanoseconds(0)
    private var closeWhenAnswered = false
    private var idleCheck: Scheduled<Void>?

    init(idleTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { becameActive(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelIdleCheck()
    }

    func channelActive(context: ChannelHandlerContext) {
        becameActive(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelIdleCheck()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActive = context.eventLoop.now
        switch unwrapInboundIn(data) {
        case .head:
            isReadingRequest = true
            unanswered &+= 1
        case .body:
            break
        case .end:
            isReadingRequest = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        if unanswered > 0 { unanswered -= 1 }
        guard unanswered == 0 else {
            context.write(data, promise: promise)
            return
        }
        if closeWhenAnswered {
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
            return
        }
        lastActive = context.eventLoop.now
        scheduleIdleCheck(context: context, at: lastActive + idleTimeout)
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if unanswered > 0 {
            closeWhenAnswered = true
        } else {
            context.close(promise: nil)
        }
    }

    private func becameActive(context: ChannelHandlerContext) {
        lastActive = context.eventLoop.now
        scheduleIdleCheck(context: context, at: lastActive + idleTimeout)
    }

    /// A check already scheduled stands: it schedules the next one itself if the connection was
    /// active meanwhile.
    private func scheduleIdleCheck(context: ChannelHandlerContext, at deadline: NIODeadline) {
        guard idleCheck == nil else { return }
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            idleCheck = nil
            // A request read whole and still being answered keeps its connection: the end of its
            // answer schedules the next check.
            if !isReadingRequest, unanswered > 0 { return }
            let idleUntil = lastActive + idleTimeout
            if context.eventLoop.now >= idleUntil {
                context.close(promise: nil)
            } else {
                scheduleIdleCheck(context: context, at: idleUntil)
            }
        }
    }

    private func cancelIdleCheck() {
        idleCheck?.cancel()
        idleCheck = nil
    }
}
