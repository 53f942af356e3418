import FuzzSupport

/// Sets libFuzzer's `-max_len` to `ForwardedForFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeForwardedFor(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: ForwardedForFuzzing.self)
}

/// The check is `ForwardedForFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `ForwardedForFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForwardedFor(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    ForwardedForFuzzing.run(start, count)
    return 0
}
