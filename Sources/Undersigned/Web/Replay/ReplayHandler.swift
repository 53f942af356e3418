import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// In each connection's pipeline, between the HTTP codec and the application: answers a
/// request from ``ReplayedAnswers`` when it can, passes every other request on, and keeps the
/// answers the application offers on their way out. Answers leave in the order their requests
/// came: a request is answered here only when every earlier one has been answered. Nor is one
/// answered while the connection's answers are not being read: the application's answers then
/// wait their turn, and it reads no more requests meanwhile.
///
/// It sits behind Hummingbird's connection state handler, which so counts the requests
/// answered here too: the idle timeout and a graceful shutdown treat them as any other.
final class ReplayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private struct Capture {
        let key: ReplayKey
        let offer: ReplayedAnswers.Offer
        let head: HTTPResponse
        var body: ByteBuffer
    }

    private let answers: ReplayedAnswers
    /// The requests passed on and not yet answered, oldest first, each with the key its answer
    /// would be kept under (none once several wait: their answers are not kept).
    private var unanswered = CircularBuffer<ReplayKey?>(initialCapacity: 4)
    /// The answer to the request being read, sent once it has been read whole.
    private var replay: (head: HTTPResponse, body: ByteBuffer)?
    /// An offered answer on its way out, to keep once it has left whole.
    private var capture: Capture?

    init(answers: ReplayedAnswers) {
        self.answers = answers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            let asked =
                unanswered.isEmpty && context.channel.isWritable
                ? ReplayKey.parse(request, visitorCookiePrefix: answers.visitorCookiePrefix) : nil
            if let asked, let answer = answers.answer(for: asked.key, visitorCookie: asked.visitorCookie) {
                replay = answer
                return
            }
            unanswered.append(asked?.key)
            context.fireChannelRead(data)
        case .body:
            // A request answered here has no body (``ReplayKey``).
            if replay == nil { context.fireChannelRead(data) }
        case .end:
            guard let answer = replay else {
                context.fireChannelRead(data)
                return
            }
            replay = nil
            context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
            context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response):
            guard let marker = response.headerFields[.replayOffer] else {
                context.write(data, promise: promise)
                return
            }
            response.headerFields[.replayOffer] = nil
            let offer = answers.claim(marker)
            if response.status == .ok, let key = unanswered.first ?? nil, let offer {
                capture = Capture(key: key, offer: offer, head: response, body: ByteBuffer())
            }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body(let buffer):
            if var kept = capture {
                capture = nil
                if kept.body.readableBytes + buffer.readableBytes <= ReplayedAnswers.largestBody {
                    kept.body.writeImmutableBuffer(buffer)
                    capture = kept
                }
            }
            context.write(data, promise: promise)
        case .end:
            if !unanswered.isEmpty { unanswered.removeFirst() }
            if let kept = capture {
                capture = nil
                answers.keep(kept.head, body: kept.body, for: kept.key, offer: kept.offer)
            }
            context.write(data, promise: promise)
        }
    }
}

/// Connections whose requests may be answered from ``ReplayedAnswers``: `Connection`'s
/// pipeline, with a ``ReplayHandler`` behind its connection state handler.
struct ReplayingConnections<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection
    let answers: ReplayedAnswers

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
        connection.setup(channel: channel, logger: logger).flatMapThrowing { [answers] value in
            let pipeline = channel.pipeline.syncOperations
            let connectionState = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(ReplayHandler(answers: answers), position: .after(connectionState))
            return value
        }
    }

    func handle(value: Connection.Value, logger: Logger) async {
        await connection.handle(value: value, logger: logger)
    }
}
