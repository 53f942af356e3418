import NIOCore
import NIOPosix

/// Runs a task's jobs on one event loop.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Runs a task's jobs on a thread pool: with one thread, the thread that runs the pool's
/// blocking calls also runs the code awaiting them.
final class ThreadPoolTaskExecutor: TaskExecutor {
    let pool: NIOThreadPool

    init(_ pool: NIOThreadPool) {
        self.pool = pool
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pool.submit { _ in
            // A stopped pool still hands its work over, on the caller's thread; the job must run all the same.
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
