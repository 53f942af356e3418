import FuzzSupport

/// Sets libFuzzer's `-max_len` to `PaperSheetFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializePaperSheet(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: PaperSheetFuzzing.self)
}

/// The check is `PaperSheetFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `PaperSheetFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPaperSheet(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    PaperSheetFuzzing.run(start, count)
    return 0
}
