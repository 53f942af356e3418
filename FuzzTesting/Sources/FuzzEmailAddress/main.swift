import FuzzSupport

/// Sets libFuzzer's `-max_len` to `EmailAddressFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeEmailAddress(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: EmailAddressFuzzing.self)
}

/// The check is `EmailAddressFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `EmailAddressFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmailAddress(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    EmailAddressFuzzing.run(start, count)
    return 0
}
