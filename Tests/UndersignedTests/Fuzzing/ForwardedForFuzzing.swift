import HTTPTypes

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// `X-Forwarded-For`, read behind a trusted proxy to key rate limits. An address read from
/// it is 4 bytes (IPv4) or the 8 bytes of an IPv6 /64; anything else is not an address.
enum ForwardedForFuzzing: FuzzCheck {
    static let maxLength = 256

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        if let address = ClientAddress(text: text) {
            Fuzz.expect([4, 8].contains(address.bytes.count), "\(text.debugDescription) read as \(address.bytes)")
        }
        var headers = HTTPFields()
        headers[.xForwardedFor] = text
        let address = ClientAddress.of(peer: nil, headers: headers, trustForwardedFor: true)
        Fuzz.expect(
            [0, 4, 8].contains(address.bytes.count), "header \(text.debugDescription) read as \(address.bytes)")
    }
}
