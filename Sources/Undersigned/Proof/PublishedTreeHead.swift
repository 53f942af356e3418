import Foundation

/// A signed tree head as it is published, in the API and in delivery manifests: hashes in
/// hex, the signature in base64, and the exact bytes signed so anyone can check them.
public struct PublishedTreeHead: Codable, Sendable, Equatable {
    public var size: UInt64
    public var rootHash: String
    public var signatureCount: Int
    /// Unix milliseconds.
    public var timestamp: Int64
    public var keyID: String
    /// Ed25519 over `signedData`, base64.
    public var signature: String
    /// The exact bytes signed, hex: see the README for their layout.
    public var signedData: String

    public init(_ head: SignedTreeHead) {
        size = head.size
        rootHash = head.root.hex
        signatureCount = head.count
        timestamp = head.timestamp.millis
        keyID = head.keyID
        signature = Data(head.signature).base64EncodedString()
        signedData = head.signedBytes.hex
    }
}
