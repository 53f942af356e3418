import FuzzSupport

/// Sets libFuzzer's `-max_len` to `EncryptedPackageFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeEncryptedPackage(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: EncryptedPackageFuzzing.self)
}

/// The check is `EncryptedPackageFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `EncryptedPackageFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEncryptedPackage(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    EncryptedPackageFuzzing.run(start, count)
    return 0
}
