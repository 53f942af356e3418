import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// In each connection's pipeline, next to the HTTP/1 codec: answers a request from
/// ``ReplayedAnswers`` when it can, passes every other request on, and keeps the answers the
/// application offers on their way out. Answers leave in the order their requests came: a
/// request is answered here only when every earlier one has been answered. Nor is one
/// answered while the connection's answers are not being read: the application's answers then
/// wait their turn, and it reads no more requests meanwhile.
///
/// It works on NIO's HTTP/1 parts, below their conversion to Swift's HTTP types and below the
/// application's connection handling: they cost about a tenth of an answer sent from memory.
final class ReplayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Capture {
        let key: ReplayKey
        let offer: ReplayedAnswers.Offer
        let head: HTTPResponseHead
        var body: ByteBuffer
    }

    private let answers: ReplayedAnswers
    /// The requests passed on and not yet answered, oldest first, each with the key its answer
    /// would be kept under (none once several wait: their answers are not kept).
    private var unanswered = CircularBuffer<ReplayKey?>(initialCapacity: 4)
    /// The answer to the request being read, sent once it has been read whole.
    private var replay: ReplayedAnswers.Answer?
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
            for part in answer.body {
                context.write(wrapOutboundOut(.body(.byteBuffer(part))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response):
            let name = HTTPField.Name.replayOffer.rawName
            guard let marker = response.headers.first(name: name) else {
                context.write(data, promise: promise)
                return
            }
            response.headers.remove(name: name)
            let offer = answers.claim(marker)
            if response.status == .ok, let key = unanswered.first ?? nil, let offer {
                capture = Capture(key: key, offer: offer, head: response, body: ByteBuffer())
            }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body(let part):
            if var kept = capture {
                capture = nil
                if case .byteBuffer(let buffer) = part,
                    kept.body.readableBytes + buffer.readableBytes <= ReplayedAnswers.largestBody
                {
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
/// pipeline, with a ``ConnectionStateHandler`` in place of the application's own, and a
/// ``ReplayHandler`` after it, both next to the HTTP/1 codec.
struct ReplayingConnections<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection
    let answers: ReplayedAnswers
    /// How long a connection may stay idle before it is closed.
    let idleTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
        connection.setup(channel: channel, logger: logger).flatMapThrowing { [answers, idleTimeout] value in
            let pipeline = channel.pipeline.syncOperations
            pipeline.removeHandler(
                context: try pipeline.context(handlerType: HTTPConnectionStateHandler.self), promise: nil)
            let codec = try pipeline.context(handlerType: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(ConnectionStateHandler(idleTimeout: idleTimeout), position: .before(codec.handler))
            try pipeline.addHandler(ReplayHandler(answers: answers), position: .before(codec.handler))
            return value
        }
    }

    func handle(value: Connection.Value, logger: Logger) async {
        await connection.handle(value: value, logger: logger)
    }
}
