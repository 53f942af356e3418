import HummingbirdCore
import NIOCore

/// Runs each request that reaches the application in a task of its own, a child of its
/// connection's. A task keeps the memory its deepest chain of calls took until it ends: run
/// in the connection's task, which lives as long as the connection, one request through the
/// middlewares left 27 KB with every keep-alive connection for as long as it stayed open, and
/// 2,000 connections reading the page of a server just started took it to 135–158 MB
/// (`bench/connections`). In tasks of their own: 8 KB, and 79–82 MB.
enum RequestTasks {
    static func separate(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        { request, writer, channel in
            let handed = HandedWriter(writer)
            // A child task keeps the connection's task executor (its event loop), its task-local
            // values and its cancellation.
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    guard let writer = handed.take() else { return }
                    try await responder(request, writer, channel)
                }
            }
        }
    }
}

/// Hands the answer's writer, which cannot be copied, to the request's task. Unchecked: the
/// writer is set before that task is made and taken once by it, never touched by two at once.
private final class HandedWriter: @unchecked Sendable {
    private var writer: ResponseWriter?

    init(_ writer: consuming ResponseWriter) {
        self.writer = .some(writer)
    }

    func take() -> ResponseWriter? {
        writer.take()
    }
}
