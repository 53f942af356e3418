@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Organizations' keys: the public key an owner pastes into a form, and the private key
/// file `decrypt-package` reads. An accepted public key is the input in its one canonical
/// spelling; an accepted private key file writes back into one that reads the same key.
enum OrganizationKeyFuzzing: FuzzCheck {
    static let maxLength = 512

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        if let key = try? OrganizationPublicKey(text: text) {
            Fuzz.expect(
                key.text == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(text.debugDescription) read as \(key.text)")
            Fuzz.expect(key.fingerprint.utf8.count == 16, "fingerprint \(key.fingerprint)")
        }
        if let key = try? OrganizationPrivateKey(fileContents: text) {
            let again = try? OrganizationPrivateKey(fileContents: key.fileContents)
            Fuzz.expect(
                again?.key.rawRepresentation == key.key.rawRepresentation, "a private key file does not read back")
            Fuzz.expect(
                (try? OrganizationPublicKey(text: key.publicKey.text)) == key.publicKey,
                "its public key does not read back")
        }
    }
}
