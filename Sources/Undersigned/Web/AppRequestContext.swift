import Foundation
import Hummingbird
import NIOCore

public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer: used, hashed, by rate limits and never stored or logged.
    public let remoteAddress: SocketAddress?
    /// The account signed in with this request's session cookie, on the routes that read it
    /// (see ``SessionMiddleware``).
    public var signedIn: SignedIn?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Forms and JSON bodies are small; anything bigger is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }

    public var responseEncoder: JSONEncoder { Self.encoder }

    /// Stable key order makes responses diffable and cacheable.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
