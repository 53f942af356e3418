import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// What a password must be: long enough, not one of the most common ones, not the email's
/// own name, and not the same character over and over.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 1024

    /// Why `password` is refused, in words for the person choosing it; `nil` when it is acceptable.
    public static func problem(
        with password: String, email: String? = nil, words: Translation = Translations.english
    ) -> String? {
        if password.count < minimumLength {
            return words.text(.accountPasswordTooShort, ["count": words.language.number(minimumLength)])
        }
        if password.count > maximumLength {
            return words.text(.accountPasswordTooLong, ["count": words.language.number(maximumLength)])
        }
        let lowered = password.lowercased()
        if Set(lowered).count <= 2 || CommonPasswords.contains(lowered) {
            return words.text(.accountPasswordCommon)
        }
        if let local = email?.split(separator: "@").first?.lowercased(), local.count >= 4, lowered.contains(local) {
            return words.text(.accountPasswordContainsEmail)
        }
        return nil
    }
}

/// The most common passwords of at least the minimum length, from the published lists of
/// leaked passwords; shorter ones are refused by length anyway.
enum CommonPasswords {
    static func contains(_ lowered: String) -> Bool { list.contains(lowered) }

    private static let list: Set<String> = {
        guard let text = try? String(contentsOf: BundledResources.url("data/common-passwords.txt"), encoding: .utf8)
        else { return [] }
        return Set(
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter {
                !$0.isEmpty && !$0.hasPrefix("#")
            })
    }()
}

/// bcrypt from hummingbird-auth, run off the server's threads because it is slow on purpose.
/// bcrypt reads only the first 72 bytes of a password and stops at a NUL byte, so it is given
/// the base64 of the password's SHA-256: every character counts, and none can cut it short.
public final class PasswordHasher: Sendable {
    public let cost: UInt8
    /// Verified against when no account matches, so that an unknown email takes as long as
    /// a known one. Made on first use: building a server should not wait for bcrypt.
    private let dummyHash = Mutex<String?>(nil)

    /// - Parameter cost: 4 to 31, bcrypt's range; settings are checked against it, and a value
    ///   outside is brought into it rather than trusted.
    public init(cost: Int) {
        self.cost = UInt8(clamping: min(max(cost, 4), 31))
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(Self.prepared(password), cost: cost) }
    }

    /// Whether `password` matches `hash`; with no hash, takes as long and answers no.
    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let stored: String
        if let hash {
            stored = hash
        } else if let dummy = dummyHash.withLock({ $0 }) {
            stored = dummy
        } else {
            let made = try await self.hash(UUID.random().uuidString)
            stored = dummyHash.withLock { existing in
                let kept = existing ?? made
                existing = kept
                return kept
            }
        }
        let matches = try await NIOThreadPool.singleton.runIfActive {
            Bcrypt.verify(Self.prepared(password), hash: stored)
        }
        return matches && hash != nil
    }

    private static func prepared(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }
}
