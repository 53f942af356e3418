import Crypto
import Foundation

/// HMAC-SHA256 under one key, with the key's inner and outer blocks hashed once: on the short
/// messages of tokens and fingerprints, keying is half of an HMAC's work, and pages, links
/// and signatures compute one or two each.
struct KeyedHash: Sendable {
    private let keyed: HMAC<SHA256>

    init(key: SymmetricKey) {
        keyed = HMAC(key: key)
    }

    /// A copy of the keyed state takes the message; the hasher copies its state on write.
    func code(for message: some DataProtocol) -> [UInt8] {
        var mac = keyed
        mac.update(data: message)
        return Array(mac.finalize())
    }
}
