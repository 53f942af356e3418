import CMalloc
import Foundation

/// glibc's allocator, set for a server that holds a few dozen megabytes and makes and frees
/// many large blocks (a batch's arrays, a page's bytes).
enum AllocatorSettings {
    /// How many heaps it keeps. By default it makes up to eight per core, one for each thread
    /// that finds the others busy, and freed memory stays spread over all of them: draining a
    /// backlog of 36,000 emails, a server peaked at 75.5 MB with the default and at 72.8–72.9
    /// MB with two. With two, though, the threads that confirm (the event loops, the writer's,
    /// the mail's) waited for each other's heap, whose lock a thread takes to free what another
    /// allocated. On 2 cores, in alternating runs, four per core confirmed 4,128, 4,873 and
    /// 5,146 a second on SQLite against 3,980, 4,206 and 4,484 with two, for a peak 1 MB higher.
    static var arenas: Int32 { Int32(clamping: 4 * ProcessInfo.processInfo.activeProcessorCount) }

    /// Blocks from this size up are mapped on their own and given back when freed. glibc
    /// otherwise raises the size to that of each such block freed, and later ones stay in
    /// its heaps once freed: in four alternating pairs of 25 s of signing, the server peaked
    /// 0.7–1.1 MB lower with the size fixed.
    static let mappedFrom: Int32 = 128 * 1024

    /// Applies both, unless the environment sets them (`MALLOC_ARENA_MAX`,
    /// `MALLOC_MMAP_THRESHOLD_`). Called first thing in `main`, before the threads that would
    /// make more heaps exist.
    static func apply() {
        #if canImport(Glibc)
            let environment = ProcessInfo.processInfo.environment
            if environment["MALLOC_ARENA_MAX"] == nil { mallopt(M_ARENA_MAX, arenas) }
            if environment["MALLOC_MMAP_THRESHOLD_"] == nil { mallopt(M_MMAP_THRESHOLD, mappedFrom) }
        #endif
    }
}
