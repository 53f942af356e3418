// swift-tools-version:5.4
// 5.4, not later: from 5.5 on, a debug build renames an executable's `main`, and libFuzzer
// brings its own.
import PackageDescription

/// libFuzzer targets for every parser of untrusted bytes in the Undersigned library, one
/// executable each. Build and run them with `scripts/fuzz`: they need `-sanitize=fuzzer`
/// and `-parse-as-library`, and `@testable import` needs a debug build. A target's check is
/// the main package's `Tests/UndersignedTests/Fuzzing/NAMEFuzzing.swift`, which the tests
/// replay too (`FuzzReplayTests`): `Sources/FuzzNAME/NAMEFuzzing.swift` is a symbolic link to
/// it, as `Sources/FuzzSupport/Fuzz.swift` is to `Fuzz.swift` there.
let targets: [String: [Target.Dependency]] = [
    "FormBody": [],
    "Multipart": [],
    "AcceptLanguage": [],
    "EmailAddress": [],
    "MailAddress": [],
    "Markdown": [],
    "Tokens": [.product(name: "Crypto", package: "swift-crypto")],
    "SMTPReply": [.product(name: "NIOCore", package: "swift-nio")],
    "EncryptedPackage": [],
    "PetitionImage": [],
    "ServerURLs": [],
    "OrganizationKey": [],
    "PaperSheet": [],
    "ReturnPath": [],
    "ForwardedFor": [.product(name: "HTTPTypes", package: "swift-http-types")],
]

let package = Package(
    name: "FuzzTesting",
    platforms: [.macOS("15.0")],
    dependencies: [
        .package(name: "Undersigned", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
    ],
    targets: [.target(name: "FuzzSupport")]
        + targets.sorted { $0.key < $1.key }.map { name, dependencies in
            .executableTarget(
                name: "Fuzz\(name)",
                dependencies: ["FuzzSupport", .product(name: "Undersigned", package: "Undersigned")] + dependencies
            )
        }
)
