import CMalloc
import Foundation

/// How many heaps glibc's allocator keeps. By default it makes up to eight per core, one for
/// each thread that finds the others busy, and freed memory stays spread over all of them:
/// draining a backlog of 36,000 emails, a server peaked at 75.5 MB with the default and at
/// 72.8–72.9 MB with two, at the same rate.
enum AllocatorArenas {
    static let maximum: Int32 = 2

    /// Limits the heaps to ``maximum``, unless the environment sets `MALLOC_ARENA_MAX`.
    /// Called first thing in `main`, before the threads that would make more exist.
    static func limit() {
        #if canImport(Glibc)
            guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
            mallopt(M_ARENA_MAX, maximum)
        #endif
    }
}
