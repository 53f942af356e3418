import CMalloc
import Foundation

/// How many heaps glibc's allocator keeps. By default it makes up to eight per core, one for
/// each thread that finds the others busy, and freed memory stays spread over all of them:
/// draining a backlog of 36,000 emails, a server peaked at 75.5 MB with the default and at
/// 72.8–72.9 MB with two. With two, though, the threads that confirm (the event loops, the
/// writer's, the mail's) waited for each other's heap, whose lock a thread takes to free what
/// another allocated. On 2 cores, in alternating runs, four per core confirmed 4,128, 4,873
/// and 5,146 a second on SQLite against 3,980, 4,206 and 4,484 with two, for a peak 1 MB higher.
enum AllocatorArenas {
    static var maximum: Int32 { Int32(clamping: 4 * ProcessInfo.processInfo.activeProcessorCount) }

    /// Limits the heaps to ``maximum``, unless the environment sets `MALLOC_ARENA_MAX`.
    /// Called first thing in `main`, before the threads that would make more exist.
    static func limit() {
        #if canImport(Glibc)
            guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
            mallopt(M_ARENA_MAX, maximum)
        #endif
    }
}
