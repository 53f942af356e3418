import Crypto
import Foundation

/// The widget's form tokens. Inside another site's frame browsers send this site no cookie,
/// so the cookie-bound token of ``CSRFProtection`` cannot work there; this one is bound to
/// the petition and the time the form was served instead, and needs no state: an HMAC over
/// the slug and the issue time, with the time beside it.
///
/// It proves that the form came from this site not long ago, not who posts it: any page can
/// fetch a widget and post its form. What holds signing back is what holds back the
/// petition page's form too: the client's rate limits, the single-use proof of work, the
/// mailbox's email limit, and the confirmation by email.
struct EmbedFormTokens: Sendable {
    static let fieldName = "form"
    /// Long enough to read the petition and fill the form in, short enough that a harvested
    /// token soon stops working.
    static let lifetime: TimeInterval = 2 * 3600
    /// Instances sharing a database may disagree on the time by this much.
    static let allowedClockSkew: TimeInterval = 300

    private static let timeLength = 8
    private static let macLength = 16

    private let keyedHash: KeyedHash
    private let clock: WallClock

    init(key: SymmetricKey, clock: WallClock) {
        keyedHash = KeyedHash(key: key)
        self.clock = clock
    }

    /// A token for the widget of the petition at `slug`, issued now.
    func token(for slug: String) -> String {
        let issued = Self.bigEndianBytes(Self.seconds(clock.now))
        return Base64URL.encode(issued + mac(slug: slug, issued: issued))
    }

    /// Whether `token` was issued by this site for the petition at `slug`, within its lifetime.
    /// The MAC is compared in constant time.
    func isValid(_ token: String?, for slug: String) -> Bool {
        guard let token, token.utf8.count <= 64, let bytes = Base64URL.decode(token),
            bytes.count == Self.timeLength + Self.macLength
        else { return false }
        let issuedBytes = Array(bytes.prefix(Self.timeLength))
        guard constantTimeEqual(mac(slug: slug, issued: issuedBytes), Array(bytes.suffix(Self.macLength))) else {
            return false
        }
        let issued = issuedBytes.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        let now = Self.seconds(clock.now)
        // Both are far below the limits of UInt64, so the sums cannot overflow.
        guard issued <= now + UInt64(Self.allowedClockSkew) else { return false }
        return now <= issued + UInt64(Self.lifetime)
    }

    private func mac(slug: String, issued: [UInt8]) -> [UInt8] {
        // The slug's length first, so that no slug and time run together into another's.
        let slugBytes = Array(slug.utf8)
        let message = Self.bigEndianBytes(UInt64(slugBytes.count)) + slugBytes + issued
        return Array(keyedHash.code(for: message).prefix(Self.macLength))
    }

    private static func seconds(_ date: Date) -> UInt64 {
        UInt64(max(0, min(date.timeIntervalSince1970, 1e12)).rounded(.down))
    }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
