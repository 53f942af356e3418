import FuzzSupport

/// Sets libFuzzer's `-max_len` to `SMTPReplyFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeSMTPReply(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: SMTPReplyFuzzing.self)
}

/// The check is `SMTPReplyFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `SMTPReplyFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMTPReply(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    SMTPReplyFuzzing.run(start, count)
    return 0
}
