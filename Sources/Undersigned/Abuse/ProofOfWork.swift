import Crypto
import Foundation

/// A small computational price on signing, asked only when the server is busy. A challenge
/// is stateless: the server signs (HMAC) what it needs to know — the petition, how hard,
/// until when, and a random nonce that names it — and keeps nothing until it comes back.
/// The client finds a number whose SHA-256 with the challenge starts with `difficulty`
/// zero bits; checking that costs the server one hash.
struct ProofOfWork: Sendable {
    struct Challenge: Sendable, Equatable {
        var petitionID: UUID
        var difficulty: Int
        var expiresAt: Date
        /// Random; names the challenge once redeemed.
        var nonce: [UInt8]
    }

    enum Verdict: Sendable, Equatable {
        case solved(Challenge)
        case expired
        /// Not made by this server, for another petition, or wrongly solved.
        case invalid
    }

    static let maximumDifficulty = 32
    private static let version: UInt8 = 1
    private static let macLength = 16
    /// version, difficulty, expiry (seconds, 4 bytes), petition id, nonce, MAC.
    private static let tokenLength = 1 + 1 + 4 + 16 + 16 + macLength

    private let keyedHash: KeyedHash
    let lifetime: TimeInterval

    init(key: SymmetricKey, lifetime: TimeInterval = 600) {
        self.keyedHash = KeyedHash(key: key)
        self.lifetime = lifetime
    }

    /// A new challenge for the sign form of `petitionID`: one HMAC.
    func issue(for petitionID: UUID, difficulty: Int, now: Date) -> String {
        let generator = SecureRandom()
        let nonce = withUnsafeBytes(of: (generator.next() as UInt64, generator.next() as UInt64)) { Array($0) }
        let expiry = UInt32(clamping: Int64(now.addingTimeInterval(lifetime).timeIntervalSince1970.rounded(.up)))
        var bytes: [UInt8] = [Self.version, UInt8(clamping: min(difficulty, Self.maximumDifficulty))]
        bytes += withUnsafeBytes(of: expiry.bigEndian) { Array($0) }
        bytes += petitionID.bytes
        bytes += nonce
        bytes += mac(bytes)
        return Base64URL.encode(bytes)
    }

    func verify(token: String, solution: String, petitionID: UUID, now: Date) -> Verdict {
        guard let challenge = challenge(in: token), challenge.petitionID == petitionID else { return .invalid }
        guard challenge.expiresAt > now else { return .expired }
        guard Self.isSolution(solution, to: token, difficulty: challenge.difficulty) else { return .invalid }
        return .solved(challenge)
    }

    /// What a challenge made by this server says, or `nil` for anything else.
    func challenge(in token: String) -> Challenge? {
        guard token.utf8.count <= 96, let bytes = Base64URL.decode(token), bytes.count == Self.tokenLength,
            bytes[0] == Self.version,
            constantTimeEqual(mac(Array(bytes.dropLast(Self.macLength))), Array(bytes.suffix(Self.macLength))),
            let petitionID = UUID(bytes: Array(bytes[6..<22]))
        else { return nil }
        let expiry = bytes[2..<6].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Challenge(
            petitionID: petitionID, difficulty: Int(bytes[1]),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)), nonce: Array(bytes[22..<38]))
    }

    /// Whether SHA-256 of "token:solution" starts with `difficulty` zero bits. The solution is
    /// a decimal number, as the page's script counts.
    static func isSolution(_ solution: String, to token: String, difficulty: Int) -> Bool {
        guard difficulty > 0 else { return true }
        guard (1...16).contains(solution.utf8.count), solution.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return false
        }
        let digest = SHA256.hash(data: Array("\(token):\(solution)".utf8))
        return digest.withUnsafeBytes { leadingZeroBits(Array($0)) } >= difficulty
    }

    private static func leadingZeroBits(_ bytes: [UInt8]) -> Int {
        var count = 0
        for byte in bytes {
            if byte == 0 {
                count += 8
                continue
            }
            return count + byte.leadingZeroBitCount
        }
        return count
    }

    private func mac(_ bytes: [UInt8]) -> [UInt8] {
        Array(keyedHash.code(for: bytes).prefix(Self.macLength))
    }
}
