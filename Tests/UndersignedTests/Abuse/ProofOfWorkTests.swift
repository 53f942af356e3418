import Crypto
import Foundation
import Testing

@testable import Undersigned

@Suite("Proof of work")
struct ProofOfWorkTests {
    let proofOfWork = ProofOfWork(key: SymmetricKey(size: .bits256), lifetime: 600)
    let petition = UUID()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a solved challenge verifies, and says what it was issued for")
    func solved() throws {
        let token = proofOfWork.issue(for: petition, difficulty: 10, now: now)
        let solution = Browser.solve(token, difficulty: 10)
        guard
            case .solved(let challenge) = proofOfWork.verify(
                token: token, solution: solution, petitionID: petition, now: now)
        else {
            Issue.record("not verified")
            return
        }
        #expect(challenge.petitionID == petition)
        #expect(challenge.difficulty == 10)
        #expect(challenge.expiresAt == now.addingTimeInterval(600))
        #expect(challenge.nonce.count == 16)
    }

    @Test("each challenge is new: tokens and nonces differ")
    func unique() {
        let tokens = (0..<100).map { _ in proofOfWork.issue(for: petition, difficulty: 8, now: now) }
        #expect(Set(tokens).count == 100)
        #expect(Set(tokens.compactMap { proofOfWork.challenge(in: $0)?.nonce }).count == 100)
    }

    @Test("an expired challenge is refused")
    func expired() {
        let token = proofOfWork.issue(for: petition, difficulty: 4, now: now)
        let solution = Browser.solve(token, difficulty: 4)
        #expect(
            proofOfWork.verify(token: token, solution: solution, petitionID: petition, now: now.addingTimeInterval(601))
                == .expired)
    }

    @Test("a wrong solution, another petition, or a forged or altered challenge is refused")
    func invalid() throws {
        let token = proofOfWork.issue(for: petition, difficulty: 12, now: now)
        let solution = Browser.solve(token, difficulty: 12)
        var wrong = 0
        while ProofOfWork.isSolution(String(wrong), to: token, difficulty: 12) { wrong += 1 }
        #expect(proofOfWork.verify(token: token, solution: String(wrong), petitionID: petition, now: now) == .invalid)
        #expect(proofOfWork.verify(token: token, solution: "", petitionID: petition, now: now) == .invalid)
        #expect(proofOfWork.verify(token: token, solution: "-1", petitionID: petition, now: now) == .invalid)
        #expect(proofOfWork.verify(token: token, solution: solution, petitionID: UUID(), now: now) == .invalid)

        // Lowering the difficulty inside the token breaks its MAC.
        var bytes = try #require(Base64URL.decode(token))
        bytes[1] = 0
        #expect(
            proofOfWork.verify(token: Base64URL.encode(bytes), solution: "0", petitionID: petition, now: now)
                == .invalid)
        // So does pushing the expiry back.
        bytes = try #require(Base64URL.decode(token))
        bytes[2] = 0xFF
        #expect(
            proofOfWork.verify(token: Base64URL.encode(bytes), solution: solution, petitionID: petition, now: now)
                == .invalid)
        // Made with another key.
        let other = ProofOfWork(key: SymmetricKey(size: .bits256))
        let foreign = other.issue(for: petition, difficulty: 1, now: now)
        #expect(
            proofOfWork.verify(
                token: foreign, solution: Browser.solve(foreign, difficulty: 1), petitionID: petition, now: now)
                == .invalid)
        for garbage in [
            "", "x", String(repeating: "A", count: 72), String(repeating: "é", count: 40),
            String(repeating: "A", count: 5000),
        ] {
            #expect(proofOfWork.verify(token: garbage, solution: "1", petitionID: petition, now: now) == .invalid)
        }
    }

    @Test("a solution is checked with one SHA-256 of \"token:solution\"")
    func hashing() {
        let token = "example-token"
        let solution = Browser.solve(token, difficulty: 12)
        let digest = Array(SHA256.hash(data: Array("\(token):\(solution)".utf8)))
        #expect(digest[0] == 0)
        #expect(digest[1] >> 4 == 0)
        #expect(ProofOfWork.isSolution("anything", to: token, difficulty: 0))
    }
}

@Suite("Adaptive difficulty")
struct SigningPressureTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("zero while calm, rising two bits each time the rate doubles, capped, and calm again a minute later")
    func difficulty() {
        let pressure = SigningPressure(calmRatePerMinute: 10, maximumDifficulty: 16)
        #expect(pressure.difficulty(at: start) == 0)
        for _ in 0..<9 { pressure.record(at: start) }
        #expect(pressure.difficulty(at: start) == 0)
        pressure.record(at: start)
        #expect(pressure.difficulty(at: start) == 8)
        for _ in 0..<10 { pressure.record(at: start.addingTimeInterval(30)) }
        #expect(pressure.difficulty(at: start.addingTimeInterval(30)) == 10)
        for _ in 0..<60 { pressure.record(at: start.addingTimeInterval(59)) }
        #expect(pressure.difficulty(at: start.addingTimeInterval(59)) == 14)
        for _ in 0..<1000 { pressure.record(at: start.addingTimeInterval(59)) }
        #expect(pressure.difficulty(at: start.addingTimeInterval(59)) == 16)
        // The first second's requests leave the window; then the rest.
        #expect(pressure.recentRequests(at: start.addingTimeInterval(60)) == 1070)
        #expect(pressure.difficulty(at: start.addingTimeInterval(120)) == 0)
    }

    @Test("each change of difficulty is told once")
    func changes() {
        let told = Locked<[Int]>([])
        let pressure = SigningPressure(calmRatePerMinute: 2, maximumDifficulty: 12) { difficulty, _ in
            told.withLock { $0.append(difficulty) }
        }
        for second in 0..<4 {
            pressure.record(at: start.addingTimeInterval(Double(second)))
            _ = pressure.difficulty(at: start.addingTimeInterval(Double(second)))
            _ = pressure.difficulty(at: start.addingTimeInterval(Double(second)))
        }
        _ = pressure.difficulty(at: start.addingTimeInterval(100))
        #expect(told.value == [8, 10, 0])
    }

    @Test("a maximum of zero turns proof of work off")
    func off() {
        let pressure = SigningPressure(calmRatePerMinute: 1, maximumDifficulty: 0)
        for _ in 0..<1000 { pressure.record(at: start) }
        #expect(pressure.difficulty(at: start) == 0)
    }
}
