import FuzzSupport

/// Sets libFuzzer's `-max_len` to `MailAddressFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeMailAddress(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: MailAddressFuzzing.self)
}

/// The check is `MailAddressFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `MailAddressFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMailAddress(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    MailAddressFuzzing.run(start, count)
    return 0
}
