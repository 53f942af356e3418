import HTTPTypes
import NIOCore

/// Who is asking, as far as rate limits care: the bytes of the client's network address,
/// kept only in memory and only long enough to hash. An IPv6 client counts by its /64,
/// since one machine is usually handed a whole /64 and could otherwise rotate through it.
struct ClientAddress: Sendable, Hashable {
    let bytes: [UInt8]

    /// Requests whose address cannot be known (a Unix socket, a test client) share one key.
    static let unknown = ClientAddress(bytes: [])

    /// The TCP peer, or with `trustForwardedFor` the last address in `X-Forwarded-For`: the
    /// one the reverse proxy appended, which a client cannot forge.
    static func of(peer: SocketAddress?, headers: HTTPFields, trustForwardedFor: Bool) -> ClientAddress {
        if trustForwardedFor, let forwarded = headers[values: .xForwardedFor].last,
            let last = forwarded.split(separator: ",").last,
            let address = ClientAddress(text: last.trimmingCharacters(in: .whitespaces))
        {
            return address
        }
        guard let peer else { return .unknown }
        return ClientAddress(peer) ?? .unknown
    }

    init?(text: String) {
        // Some proxies bracket IPv6 addresses.
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        guard !bare.isEmpty, bare.utf8.count <= 64, let socket = try? SocketAddress(ipAddress: bare, port: 0) else {
            return nil
        }
        self.init(socket)
    }

    init?(_ socket: SocketAddress) {
        switch socket {
        case .v4(let address):
            bytes = withUnsafeBytes(of: address.address.sin_addr) { Array($0) }
        case .v6(let address):
            let all = withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
            // An IPv4 client reached over a dual-stack socket is the IPv4 client.
            if all.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] {
                bytes = Array(all.suffix(4))
            } else {
                bytes = Array(all.prefix(8))
            }
        case .unixDomainSocket:
            return nil
        }
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
