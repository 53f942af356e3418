import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system's cryptographic random numbers, fetched 4 KiB at a time. The standard
/// library's `SystemRandomNumberGenerator` makes one `getrandom` call for every eight bytes:
/// two for a new visitor's form cookie, two for each identifier, several for a signature.
/// Each word is erased from the buffer as it is handed out.
struct SecureRandom: RandomNumberGenerator {
    func next() -> UInt64 {
        SecureRandomPool.shared.next()
    }
}

private final class SecureRandomPool: Sendable {
    static let shared = SecureRandomPool()

    private struct State {
        var words = [UInt64](repeating: 0, count: 512)
        var used = 512
    }

    private let state = Mutex(State())

    func next() -> UInt64 {
        state.withLock { state in
            if state.used == state.words.count {
                state.words.withUnsafeMutableBytes { Self.fill($0) }
                state.used = 0
            }
            let word = state.words[state.used]
            state.words[state.used] = 0
            state.used += 1
            return word
        }
    }

    /// `getentropy` gives at most 256 bytes a call, from the same source as `getrandom`.
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        for start in stride(from: 0, to: buffer.count, by: 256) {
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[start..<min(start + 256, buffer.count)])
            if getentropy(chunk.baseAddress, chunk.count) != 0 {
                // Not expected on any supported system; the standard library's generator has
                // its own ways of getting bytes, or stops the process if it has none.
                var system = SystemRandomNumberGenerator()
                for index in chunk.indices { chunk[index] = UInt8(truncatingIfNeeded: system.next() as UInt64) }
            }
        }
    }
}
