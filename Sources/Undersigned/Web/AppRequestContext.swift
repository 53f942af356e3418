import Foundation
import Hummingbird
import NIOCore

public struct AppRequestContext: RequestContext, RemoteAddressRequestContext, LanguageRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer: used, hashed, by rate limits and never stored or logged.
    public let remoteAddress: SocketAddress?
    /// The account signed in with this request's session cookie, on the routes that read it
    /// (see ``SessionMiddleware``).
    public var signedIn: SignedIn?
    /// The interface language the visitor asked for, by `?lang=`, the cookie it leaves, or
    /// `Accept-Language` (see ``LanguageMiddleware``); `nil` when they asked for none it has.
    public var askedLanguage: InterfaceLanguage?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Forms and JSON bodies are small; anything bigger is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }

    public var responseEncoder: JSONEncoder { Self.encoder }

    /// Stable key order makes responses diffable and cacheable.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// A context that carries the interface language a visitor asked for.
public protocol LanguageRequestContext: RequestContext {
    var askedLanguage: InterfaceLanguage? { get set }
}

extension LanguageRequestContext {
    /// The interface language of a page: the one asked for, else that of the petition it is
    /// about, else English.
    func language(for petition: Petition? = nil) -> InterfaceLanguage {
        askedLanguage ?? petition.flatMap { InterfaceLanguage(tag: $0.language) } ?? .en
    }
}
