import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Undersigned

/// Connections are closed when idle and when the server shuts down, counting the requests
/// answered from memory as every other.
@Suite("Connection state")
struct ConnectionStateTests {
    /// A connection with a page kept for `GET /p/a`, active since the embedded loop's time zero.
    static func connection() throws -> EmbeddedChannel {
        let answers = ReplayedAnswers(
            visitors: ReplayedAnswersTests.csrf, changes: ChangeCounter(), recheckAfter: .seconds(3600),
            factory: NOOPMetricsHandler.instance)
        let kept = HTTPRequestHead.get("/p/a")
        answers.keep(
            ReplayedAnswersTests.ok(), body: ByteBuffer(string: "page"), for: try #require(ReplayKey(kept)),
            offer: .init(serial: 1, visitor: nil, stillHolds: { true }))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ConnectionStateHandler(idleTimeout: .seconds(30)), ReplayHandler(answers: answers),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        return channel
    }

    /// Sends a request; whether it was answered from memory.
    static func ask(_ channel: EmbeddedChannel, _ uri: String) throws -> Bool {
        try channel.writeInbound(HTTPServerRequestPart.head(.get(uri)))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        var answered = false
        while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
            if case .end = part { answered = true }
        }
        return answered
    }

    /// Sends the application's answer to the request it was passed.
    static func answer(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPServerResponsePart.head(ReplayedAnswersTests.ok()))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
    }

    /// Expects `channel` open 29 s after `activity` and closed 31 s after it.
    static func expectClosedAfterIdleTimeout(_ channel: EmbeddedChannel, since activity: String) {
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive, "closed 29 s after \(activity)")
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive, "left open 31 s after \(activity)")
    }

    @Test("a connection is closed once idle for the timeout; requests answered from memory keep it open")
    func idle() throws {
        let channel = try Self.connection()
        defer { _ = try? channel.finish() }
        channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        #expect(try Self.ask(channel, "/p/a"), "the kept page was not sent")
        Self.expectClosedAfterIdleTimeout(channel, since: "a request answered from memory")
    }

    @Test("a request the application is still answering keeps its connection open, however long it takes")
    func answering() throws {
        let channel = try Self.connection()
        defer { _ = try? channel.finish() }
        #expect(try !Self.ask(channel, "/p/other"))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) != nil, "not passed to the application")
        channel.embeddedEventLoop.advanceTime(by: .seconds(90))
        #expect(channel.isActive, "closed while its request was being answered")
        try Self.answer(channel)
        Self.expectClosedAfterIdleTimeout(channel, since: "its answer")
    }

    @Test("on shutdown, an idle connection is closed at once, a busy one as soon as its answer has ended")
    func quiesce() throws {
        let idle = try Self.connection()
        defer { _ = try? idle.finish() }
        #expect(try Self.ask(idle, "/p/a"))
        idle.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        idle.embeddedEventLoop.run()
        #expect(!idle.isActive, "an idle connection was left open")

        let busy = try Self.connection()
        defer { _ = try? busy.finish() }
        #expect(try !Self.ask(busy, "/p/other"))
        busy.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        busy.embeddedEventLoop.run()
        #expect(busy.isActive, "closed before its answer was sent")
        try Self.answer(busy)
        busy.embeddedEventLoop.run()
        #expect(!busy.isActive, "left open after its answer")
    }

    @Test("the server's connections count the requests answered from memory, in place of the application's own count")
    func serverConnections() async throws {
        let answers = ReplayedAnswers(
            visitors: ReplayedAnswersTests.csrf, changes: ChangeCounter(), recheckAfter: .seconds(3600),
            factory: NOOPMetricsHandler.instance)
        answers.keep(
            ReplayedAnswersTests.ok(), body: ByteBuffer(string: "kept page"),
            for: try #require(ReplayKey(.get("/p/a"))), offer: .init(serial: 1, visitor: nil, stillHolds: { true }))
        let connections = ReplayingConnections(
            connection: HTTP1Channel(responder: { _, _, _ in }), answers: answers,
            idleTimeout: .seconds(30))
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        let application = try await connections.setup(channel: channel, logger: Logger(label: "test")).get()
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.handler(type: HTTPConnectionStateHandler.self)
        }
        // The application's side of the connection is left unread: the answer comes from memory.
        try await application.executeThenClose { _, _ in
            try Self.answeredFromMemoryThenClosed(channel)
        }
    }

    private static func answeredFromMemoryThenClosed(_ channel: EmbeddedChannel) throws {
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()

        channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        try channel.writeInbound(ByteBuffer(string: "GET /p/a HTTP/1.1\r\nHost: undersigned.test\r\n\r\n"))
        var answer = ""
        while let bytes = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = bytes { answer += String(buffer: buffer) }
        }
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix("\r\n\r\nkept page"))
        expectClosedAfterIdleTimeout(channel, since: "a request answered from memory")
    }
}
