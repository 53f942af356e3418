import FuzzSupport

/// Sets libFuzzer's `-max_len` to `ReturnPathFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeReturnPath(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: ReturnPathFuzzing.self)
}

/// The check is `ReturnPathFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `ReturnPathFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReturnPath(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    ReturnPathFuzzing.run(start, count)
    return 0
}
