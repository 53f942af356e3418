import FuzzSupport

/// Sets libFuzzer's `-max_len` to `OrganizationKeyFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializeOrganizationKey(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: OrganizationKeyFuzzing.self)
}

/// The check is `OrganizationKeyFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `OrganizationKeyFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrganizationKey(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    OrganizationKeyFuzzing.run(start, count)
    return 0
}
