import HummingbirdCore
import Logging
import NIOCore

/// Serves each connection's requests on the event loop that reads and writes its socket,
/// instead of on Swift's global executor: a request then costs no trip between threads
/// between its bytes arriving, its handler running and its answer leaving. A request holds
/// its loop only between suspensions, so work that would hold it for long (password hashing,
/// compressing a delivery package, writing mail files) runs on a thread pool, and long reads
/// (exports, packages, `verify-log`) go a page at a time.
struct EventLoopConnections<Connection: ServerChildChannel>: ServerChildChannel {
    let connection: Connection

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection.Value> {
        connection.setup(channel: channel, logger: logger)
    }

    func handle(value: Connection.Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(loop: value.channel.eventLoop)) {
            await connection.handle(value: value, logger: logger)
        }
    }
}
