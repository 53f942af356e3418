import Foundation

/// A path on this site to return to after signing in. Anything that could lead elsewhere
/// (`//host`, `/\host`, a scheme) is replaced by the account page.
enum SafeReturnPath {
    static let fallback = AccountRoute.account.path

    static func validated(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), path.utf8.count <= 512,
            !path.contains("\\"), path.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F })
        else { return fallback }
        return path
    }

    static func encode(_ path: String) -> String {
        validated(path).addingPercentEncoding(
            withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-._~"))) ?? fallback
    }
}
