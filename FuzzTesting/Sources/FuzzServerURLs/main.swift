import FuzzSupport

/// Sets libFuzzer's `-max_len` to `ServerURLsFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeServerURLs(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: ServerURLsFuzzing.self)
}

/// The check is `ServerURLsFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `ServerURLsFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerURLs(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    ServerURLsFuzzing.run(start, count)
    return 0
}
