import Foundation

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Where to go after signing in (`?next=`). Whatever is asked, the answer is a path on
/// this site: a browser resolving it against the site stays on the site.
enum ReturnPathFuzzing: FuzzCheck {
    static let maxLength = 1024

    private static let site = URL(string: "https://sign.example.org/account/sign-in")

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        let path = SafeReturnPath.validated(text)
        Fuzz.expect(
            path == SafeReturnPath.fallback || path == text, "\(text.debugDescription) became \(path.debugDescription)")
        Fuzz.expect(
            path.hasPrefix("/") && !path.hasPrefix("//") && !path.contains("\\"), "path \(path.debugDescription)")
        if let resolved = URL(string: path, relativeTo: site) {
            Fuzz.expect(
                resolved.host == "sign.example.org", "\(path.debugDescription) leads to \(resolved.absoluteString)")
        }
        let encoded = SafeReturnPath.encode(text)
        Fuzz.expect(
            encoded.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0 != "&" && $0 != "#" },
            "encoded \(encoded.debugDescription)")
        Fuzz.expect(
            encoded.removingPercentEncoding == path,
            "\(encoded.debugDescription) does not decode to \(path.debugDescription)")
    }
}
