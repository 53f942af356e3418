import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Synchronization
import Testing

@testable import Undersigned

/// Each request runs in a task of its own, which gives its memory back when it is answered,
/// and still answers through its connection's writer.
@Suite("Request tasks")
struct RequestTasksTests {
    struct Refused: Error {}

    /// The identity of the task running now.
    static func currentTask() -> Int? {
        withUnsafeCurrentTask { $0?.hashValue }
    }

    static func request(_ path: String) -> Request {
        Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "test", path: path),
            body: RequestBody(buffer: ByteBuffer()))
    }

    /// (Two tasks, one after the other, may share an address: only the connection's is compared.)
    @Test("requests of one connection run in tasks other than the connection's, and answer through its writer")
    func ownTasks() async throws {
        let seen = Mutex<[String: Int]>([:])
        let responder = RequestTasks.separate { request, writer, _ in
            let path = request.uri.path
            seen.withLock { $0[path] = Self.currentTask() }
            let body = try await writer.writeHead(HTTPResponse(status: .noContent))
            try await body.finish(nil)
        }
        let (outbound, sink) = NIOAsyncChannelOutboundWriter<HTTPResponsePart>.makeTestingWriter()
        let channel = EmbeddedChannel()
        try await responder(Self.request("/first"), ResponseWriter(outbound: outbound), channel)
        try await responder(Self.request("/second"), ResponseWriter(outbound: outbound), channel)

        let connectionTask = try #require(Self.currentTask())
        let tasks = seen.withLock { $0 }
        let first = try #require(tasks["/first"])
        let second = try #require(tasks["/second"])
        #expect(first != connectionTask)
        #expect(second != connectionTask)

        var parts = sink.makeAsyncIterator()
        for _ in 0..<2 {
            guard case .head(let head) = await parts.next() else {
                Issue.record("an answer did not begin with its head")
                return
            }
            #expect(head.status == .noContent)
            guard case .end = await parts.next() else {
                Issue.record("an answer did not end")
                return
            }
        }
    }

    @Test("an error of the request's task reaches the connection's")
    func errorsPropagate() async throws {
        let responder = RequestTasks.separate { _, _, _ in throw Refused() }
        let (outbound, _) = NIOAsyncChannelOutboundWriter<HTTPResponsePart>.makeTestingWriter()
        await #expect(throws: Refused.self) {
            try await responder(Self.request("/"), ResponseWriter(outbound: outbound), EmbeddedChannel())
        }
    }
}
