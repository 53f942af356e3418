import CMalloc
import Foundation

/// How many heaps glibc's allocator keeps. By default it makes up to eight per core, one for
/// each thread that finds the others busy, and freed memory stays spread over all of them:
/// draining a backlog of 36,000 emails, a server peaked at 75.5 MB with the default and at
/// 72.8–72.9 MB with two. But with two, the threads that sign and confirm (the event loops,
/// the writer's, the mail's, the readers') waited for each other's heap: freeing what another
/// thread had allocated takes its heap's lock. On 2 cores, four per core confirmed 5,057 and
/// 5,297 a second on SQLite against 4,254 and 4,704 with two, and PostgreSQL signed 4,469
/// against 3,692, for a peak 1 MB higher.
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
