import Crypto
import Foundation

/// The keys that wrap the data keys. They live outside the database (a key file or the
/// environment), so a copy of the database alone opens nothing.
///
/// The text form is one key per line, `ID BASE64`, with `#` comments; the first key is the
/// primary one, which wraps new and re-wrapped data keys. Older keys stay listed until
/// `undersigned rotate-keys` has re-wrapped every data key under the primary.
public struct MasterKeys: Sendable {
    public let primaryID: String
    private let keys: [String: SymmetricKey]

    public var ids: [String] { [primaryID] + keys.keys.filter { $0 != primaryID }.sorted() }

    public let primary: SymmetricKey

    public func key(id: String) -> SymmetricKey? {
        keys[id]
    }

    public init(text: String, source: String) throws {
        var keys: [String: SymmetricKey] = [:]
        var primary: (id: String, key: SymmetricKey)?
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "," }) {
            let line = line.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, Self.isValidID(parts[0]), let bytes = Data(base64Encoded: String(parts[1])),
                bytes.count == 32
            else {
                throw SettingsError(description: "\(source): each master key is a line `ID BASE64` with a 32-byte key")
            }
            let id = String(parts[0])
            guard keys[id] == nil else {
                throw SettingsError(description: "\(source): master key \(id) is listed twice")
            }
            let key = SymmetricKey(data: bytes)
            keys[id] = key
            primary = primary ?? (id, key)
        }
        guard let primary else { throw SettingsError(description: "\(source) holds no master key") }
        self.primaryID = primary.id
        self.primary = primary.key
        self.keys = keys
    }

    /// Uses the configured keys, or reads the key file, creating it with one new key on first run.
    public static func load(configured: String?, keyFile: String) throws -> MasterKeys {
        if let configured { return try MasterKeys(text: configured, source: "UNDERSIGNED_MASTER_KEYS") }
        if !SecretFile.exists(keyFile) {
            _ = try addPrimaryKey(toFile: keyFile)
        }
        return try read(keyFile)
    }

    public static func read(_ keyFile: String) throws -> MasterKeys {
        try MasterKeys(text: try SecretFile.read(keyFile, what: "the master key file"), source: keyFile)
    }

    /// Puts a new key at the head of the key file (creating the file, readable by its owner
    /// only); returns its id.
    public static func addPrimaryKey(toFile keyFile: String) throws -> String {
        // An unreadable or malformed file is reported, never overwritten.
        if SecretFile.exists(keyFile) { _ = try read(keyFile) }
        let (id, line) = newKeyLine()
        let previous = (try? String(contentsOfFile: keyFile, encoding: .utf8)) ?? ""
        let header =
            "# Undersigned master keys: the first wraps new data keys. Keep this file apart from database backups.\n"
        let body = previous.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("# Undersigned master keys") }.joined(separator: "\n")
        let contents = header + line + "\n" + body
        let url = URL(fileURLWithPath: keyFile)
        // Written beside the file and renamed, so a crash never leaves half a key file.
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        _ = try? FileManager.default.removeItem(at: partial)
        try SecretFile.create(partial.path, contents: contents, what: "the master key file")
        guard rename(partial.path, url.path) == 0 else {
            throw SettingsError(description: "cannot replace the master key file \(keyFile)")
        }
        return id
    }

    /// A new key as a line of the text form, with its id.
    public static func newKeyLine() -> (id: String, line: String) {
        let id = (0..<4).map { _ in UInt8.random(in: 0...255) }.hex
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        return (id, "\(id) \(key)")
    }

    private static func isValidID(_ id: Substring) -> Bool {
        (1...32).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
}
