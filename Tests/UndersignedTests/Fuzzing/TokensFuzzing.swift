import Crypto
import Foundation

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Everything a visitor hands back that the server made: base64url, link tokens (confirm,
/// withdraw, unsubscribe), session and reset tokens, proof-of-work challenges and their
/// solutions, receipt codes. Nothing but what the server made is accepted, and what it
/// makes reads back as it was made.
enum TokensFuzzing: FuzzCheck {
    static let maxLength = 256

    private static let key = SymmetricKey(data: Array(repeating: UInt8(7), count: 32))
    private static let links = LinkTokens(key: key)
    private static let work = ProofOfWork(key: key)
    private static let receipts = ReceiptCodes(key: key)

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        let bytes = Fuzz.bytes(start, count)
        Fuzz.expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes, "base64url of \(bytes) does not read back")
        if bytes.count >= 16 {
            guard let id = UUID(bytes: Array(bytes.prefix(16))) else { Fuzz.fail("16 bytes are not a UUID") }
            Fuzz.expect(links.id(from: links.token(for: id)) == id, "link token of \(id) does not read back")
            let petition = work.challenge(
                in: work.issue(for: id, difficulty: Int(bytes[0]), now: Date(timeIntervalSince1970: 1_800_000_000)))
            Fuzz.expect(
                petition?.petitionID == id && petition?.difficulty == min(Int(bytes[0]), ProofOfWork.maximumDifficulty),
                "challenge for \(id)")
            let code = receipts.code(for: id)
            Fuzz.expect(
                code.utf8.count == 22 && Base64URL.decode(code)?.count == 16, "receipt code \(code.debugDescription)")
        }
        guard let text = Fuzz.text(start, count) else { return }
        if let decoded = Base64URL.decode(text) {
            Fuzz.expect(Base64URL.encode(decoded) == text, "\(text.debugDescription) is not canonical base64url")
        }
        if let id = links.id(from: text) {
            Fuzz.fail("accepted a link token not made here: \(text.debugDescription) for \(id)")
        }
        if SecretToken.hash(of: text) != nil {
            Fuzz.expect(
                text.utf8.count == 43 && Base64URL.decode(text)?.count == 32, "secret token \(text.debugDescription)")
        }
        if let challenge = work.challenge(in: text) {
            Fuzz.fail("accepted a challenge not made here: \(text.debugDescription), \(challenge)")
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            let petitionID = UUID(uuid: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))
            let verdict = work.verify(
                token: parts[0], solution: parts[1], petitionID: petitionID, now: Date(timeIntervalSince1970: 0))
            Fuzz.expect(verdict == .invalid, "verdict \(verdict) for \(text.debugDescription)")
            _ = ProofOfWork.isSolution(parts[1], to: parts[0], difficulty: Int(count % 40))
        }
        _ = ReceiptCodes.hash(ofCode: text)
    }
}
