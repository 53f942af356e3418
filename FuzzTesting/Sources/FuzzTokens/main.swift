import FuzzSupport

/// Sets libFuzzer's `-max_len` to `TokensFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeTokens(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: TokensFuzzing.self)
}

/// The check is `TokensFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `TokensFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokens(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    TokensFuzzing.run(start, count)
    return 0
}
