import Crypto
import Foundation

/// A browser an account signed in from: a cookie set at each successful sign-in, which names
/// the account and a random device identifier under a MAC of the server's. Presented with
/// the account's address, it lets the browser sign in however many wrong passwords others
/// try on the account (see ``SignInThrottle``). It proves only that this browser signed in
/// before; the password is asked all the same. Nothing of it is stored on the server.
struct KnownDevices: Sendable {
    private let key: SymmetricKey
    private let secure: Bool

    static let lifetime: TimeInterval = 365 * 86_400
    private static let macLength = 16
    private static let tokenLength = 16 + 8 + 16 + macLength

    init(key: SymmetricKey, secure: Bool) {
        self.key = key
        self.secure = secure
    }

    /// Sent only to the account pages: `__Secure-` rather than `__Host-`, which asks for `Path=/`.
    var name: String { secure ? "__Secure-undersigned_device" : "undersigned_device" }

    /// A new device token for the account.
    func token(for accountID: UUID, at now: Date) -> String {
        let device = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let issued = UInt64(max(0, now.timeIntervalSince1970))
        let body = Self.bytes(of: accountID) + withUnsafeBytes(of: issued.bigEndian) { Array($0) } + device
        return Base64URL.encode(body + mac(body))
    }

    /// The device identifier of a token that this server issued to `accountID` within its
    /// lifetime; `nil` for any other.
    func device(in token: String?, for accountID: UUID, at now: Date) -> [UInt8]? {
        guard let token, token.utf8.count <= 96, let bytes = Base64URL.decode(token), bytes.count == Self.tokenLength
        else { return nil }
        let body = Array(bytes.prefix(Self.tokenLength - Self.macLength))
        guard constantTimeEqual(mac(body), Array(bytes.suffix(Self.macLength))),
            Array(body.prefix(16)) == Self.bytes(of: accountID)
        else {
            return nil
        }
        let issued = body[16..<24].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let age = now.timeIntervalSince1970 - Double(issued)
        guard age >= -300, age <= Self.lifetime else { return nil }
        return Array(body.suffix(16))
    }

    func setting(_ token: String) -> String {
        "\(name)=\(token); Path=\(AccountRoute.account.path); Max-Age=\(Int(Self.lifetime)); HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")"
    }

    private func mac(_ body: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: body, using: key).prefix(Self.macLength))
    }

    private static func bytes(of id: UUID) -> [UInt8] {
        withUnsafeBytes(of: id.uuid) { Array($0) }
    }
}
