import FuzzSupport

/// Sets libFuzzer's `-max_len` to `MultipartFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeMultipart(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: MultipartFuzzing.self)
}

/// The check is `MultipartFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `MultipartFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    MultipartFuzzing.run(start, count)
    return 0
}
