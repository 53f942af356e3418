import Crypto

/// The dedup key of a signer: an HMAC of the normalised address under a server secret, so
/// the database can recognise a returning signer without holding a guessable hash of their
/// address.
public struct EmailFingerprinter: Sendable {
    private let keyedHash: KeyedHash

    public init(key: SymmetricKey) {
        self.keyedHash = KeyedHash(key: key)
    }

    public func fingerprint(_ email: EmailAddress) -> [UInt8] {
        keyedHash.code(for: Array(email.normalized.utf8))
    }
}
