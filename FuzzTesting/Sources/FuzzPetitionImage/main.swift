import FuzzSupport

/// Sets libFuzzer's `-max_len` to `PetitionImageFuzzing.maxLength` unless the command line sets it.
@_cdecl("LLVMFuzzerInitialize")
public func initializePetitionImage(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    Fuzz.initialize(argc, argv, for: PetitionImageFuzzing.self)
}

/// The check is `PetitionImageFuzzing.run`, in `Tests/UndersignedTests/Fuzzing/`, where the replay
/// test (`FuzzReplayTests`) runs it too: this target's `PetitionImageFuzzing.swift` is a symbolic
/// link to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPetitionImage(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    PetitionImageFuzzing.run(start, count)
    return 0
}
