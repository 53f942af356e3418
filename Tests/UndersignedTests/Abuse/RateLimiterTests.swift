import Crypto
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import Undersigned

@Suite("Rate limits in memory")
struct RateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let key = Key128(Array(repeating: UInt8(7), count: 16))

    @Test("a burst up to the first limit, then the exact wait; the sustained limit holds over the hour")
    func burstAndSustained() {
        let limiter = RateLimiter(windows: [.init(limit: 5, period: 60), .init(limit: 30, period: 3600)])
        for _ in 0..<5 { #expect(limiter.take(key, at: start) == .allowed) }
        // One attempt comes back every 12 seconds.
        #expect(limiter.take(key, at: start) == .refused(retryAfterSeconds: 12))
        #expect(limiter.take(key, at: start.addingTimeInterval(11)) == .refused(retryAfterSeconds: 1))
        #expect(limiter.take(key, at: start.addingTimeInterval(12)) == .allowed)
        // A steady stream of one every 12 seconds meets the hourly limit after about 30
        // (the hourly bucket refills one every 2 minutes meanwhile); then it waits longer.
        var time = start.addingTimeInterval(12)
        var allowed = 6
        while case .allowed = limiter.take(key, at: time.addingTimeInterval(12)), allowed < 100 {
            time.addTimeInterval(12)
            allowed += 1
        }
        #expect((30...33).contains(allowed))
        guard case .refused(let wait) = limiter.take(key, at: time.addingTimeInterval(12)) else {
            Issue.record("the hourly limit did not hold")
            return
        }
        #expect(wait > 12 && wait <= 120)
    }

    @Test("keys are counted apart, and many keys are kept in check")
    func keysApart() {
        let limiter = RateLimiter(windows: [.init(limit: 1, period: 60)])
        var allowed = 0
        for index in 0..<50_000 {
            let key = Key128(withUnsafeBytes(of: (UInt64(index), UInt64(0))) { Array($0) })
            if limiter.take(key, at: start.addingTimeInterval(Double(index) / 100)) == .allowed { allowed += 1 }
        }
        #expect(allowed == 50_000)
        // Those swept as refilled come back as new; one still within its minute does not.
        let recent = Key128(withUnsafeBytes(of: (UInt64(49_999), UInt64(0))) { Array($0) })
        #expect(limiter.take(recent, at: start.addingTimeInterval(500)) != .allowed)
        let early = Key128(withUnsafeBytes(of: (UInt64(0), UInt64(0))) { Array($0) })
        #expect(limiter.take(early, at: start.addingTimeInterval(500)) == .allowed)
    }

    @Test("past its maximum it forgets the keys nearest to a full allowance, and keeps the busy ones")
    func bounded() {
        let limiter = RateLimiter(windows: [.init(limit: 3, period: 3600)], maximumKeys: 16 * 64)
        let busy = Key128(Array(repeating: 9, count: 16))
        for _ in 0..<3 { #expect(limiter.take(busy, at: start) == .allowed) }
        for index in 0..<100_000 {
            let key = Key128(withUnsafeBytes(of: (UInt64(index), UInt64(index))) { Array($0) })
            _ = limiter.take(key, at: start.addingTimeInterval(Double(index) / 1000))
            // The busy key has used its whole hour: its bucket is the last to fill again.
            if index % 100 == 0 {
                #expect(limiter.take(busy, at: start.addingTimeInterval(Double(index) / 1000)) != .allowed)
            }
        }
        #expect(limiter.keyCount <= 16 * 64)
    }

    @Test("its decisions and waits are a token bucket's, attempt by attempt, over random streams")
    func agreesWithTokenBuckets() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let windows = [
                RateLimiter.Window(
                    limit: Int.random(in: 1...10, using: &generator),
                    period: [1, 60, 600].randomElement(using: &generator) ?? 60),
                RateLimiter.Window(limit: Int.random(in: 1...60, using: &generator), period: 3600),
            ]
            let limiter = RateLimiter(windows: windows)
            var buckets = TokenBuckets(windows: windows, at: start)
            var time = start
            for _ in 0..<300 {
                time.addTimeInterval([0, 0, 0.5, 1, 5, 12, 60, 700].randomElement(using: &generator) ?? 0)
                #expect(limiter.take(key, at: time) == buckets.take(at: time), "\(windows)")
            }
        }
    }

    @Test("the mailbox limit's tables stop at 98,304 keys, the most their slots hold, however many sign")
    func mailboxTablesBounded() {
        let limiter = RateLimiter(
            windows: [.init(limit: 3, period: 3600)], maximumKeys: SigningGuard.mailboxesRemembered)
        var most = 0
        var generator = SystemRandomNumberGenerator()
        for index in 0..<300_000 {
            // Spread over the shards as the keyed hashes of mailboxes are.
            let key = Key128(
                withUnsafeBytes(of: (generator.next() as UInt64, generator.next() as UInt64)) { Array($0) })
            #expect(limiter.take(key, at: start.addingTimeInterval(Double(index) / 10_000)) == .allowed)
            if index % 1_000 == 0 { most = max(most, limiter.keyCount) }
        }
        most = max(most, limiter.keyCount)
        #expect(most <= 98_304)
        // Each shard forgets down to half its maximum, never further.
        #expect(limiter.keyCount >= 16 * 6_144 / 2)
    }

    @Test("the client address: the peer, or the last X-Forwarded-For entry only when trusted")
    func clientAddress() throws {
        let peer = try SocketAddress(ipAddress: "192.0.2.10", port: 4321)
        let forwarded: HTTPFields = [.xForwardedFor: "203.0.113.5, 198.51.100.7"]
        #expect(ClientAddress.of(peer: peer, headers: forwarded, trustForwardedFor: false).bytes == [192, 0, 2, 10])
        #expect(ClientAddress.of(peer: peer, headers: forwarded, trustForwardedFor: true).bytes == [198, 51, 100, 7])
        // Garbage in the header falls back to the peer.
        #expect(
            ClientAddress.of(peer: peer, headers: [.xForwardedFor: "not-an-address"], trustForwardedFor: true).bytes
                == [192, 0, 2, 10])
        #expect(ClientAddress.of(peer: nil, headers: [:], trustForwardedFor: true) == .unknown)
        // IPv6 counts by its /64; IPv4 over IPv6 is IPv4.
        let one = try #require(ClientAddress(text: "2001:db8:1:2:aaaa::1"))
        let other = try #require(ClientAddress(text: "[2001:db8:1:2:bbbb::99]"))
        #expect(one == other)
        #expect(one.bytes.count == 8)
        #expect(ClientAddress(text: "2001:db8:1:3::1") != one)
        #expect(ClientAddress(text: "::ffff:192.0.2.10")?.bytes == [192, 0, 2, 10])
    }

    @Test("an address is hashed under a key of the day, held only in memory")
    func dailyKeys() throws {
        let keys = DailyAddressKeys()
        let address = try #require(ClientAddress(text: "192.0.2.10"))
        let today = keys.key(for: address, at: start)
        #expect(keys.key(for: address, at: start.addingTimeInterval(60)) == today)
        #expect(keys.key(for: address, at: start.addingTimeInterval(86_400)) != today)
        #expect(DailyAddressKeys().key(for: address, at: start) != today)
    }

    @Test("shared buckets hold 20 bits, agree between instances, and change every day")
    func sharedBuckets() throws {
        let secret = try ServerSecret(String(repeating: "s", count: 40))
        let one = SharedBuckets(rootKey: secret.key(for: .rateBuckets))
        let two = SharedBuckets(rootKey: secret.key(for: .rateBuckets))
        let address = try #require(ClientAddress(text: "192.0.2.10"))
        #expect(one.bucket(for: address, at: start) == two.bucket(for: address, at: start))
        var days = Set<Int>()
        for day in 0..<20 {
            let bucket = one.bucket(for: address, at: start.addingTimeInterval(Double(day) * 86_400))
            #expect((0..<(1 << 20)).contains(bucket))
            days.insert(bucket)
        }
        #expect(days.count > 15)
        // Instances of other versions, sharing the database, count under the same buckets: 20
        // bits of the address's HMAC under the day's key, itself an HMAC of "day N".
        for day in [0, 1, 0] {
            let date = start.addingTimeInterval(Double(day) * 86_400)
            let dayKey = SymmetricKey(
                data: HMAC<SHA256>.authenticationCode(
                    for: Array("day \(UTCDay(date).number)".utf8), using: secret.key(for: .rateBuckets)))
            let mac = Array(HMAC<SHA256>.authenticationCode(for: address.bytes, using: dayKey))
            #expect(one.bucket(for: address, at: date) == Int(mac[0]) << 12 | Int(mac[1]) << 4 | Int(mac[2]) >> 4)
        }
    }
}

@Suite("Disposable domains")
struct DisposableDomainsTests {
    @Test("the list reads one domain a line, with comments, and refuses subdomains too")
    func parsing() throws {
        let list = DisposableDomains(text: "# a comment\nthrowaway.test\n  Spam.Test  # trailing comment\n\n")
        #expect(list.count == 2)
        #expect(list.contains(domainOf: try #require(EmailAddress("x@throwaway.test"))))
        #expect(list.contains(domainOf: try #require(EmailAddress("x@SPAM.test"))))
        #expect(list.contains(domainOf: try #require(EmailAddress("x@inbox.throwaway.test"))))
        #expect(!list.contains(domainOf: try #require(EmailAddress("x@notthrowaway.test"))))
        #expect(!list.contains(domainOf: try #require(EmailAddress("x@example.org"))))
    }

    @Test("the shipped list has a few hundred well-known domains and none of the big providers")
    func shipped() throws {
        let list = try DisposableDomains.load(file: nil)
        #expect(list.count > 300)
        for domain in ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "trashmail.com"] {
            #expect(list.contains(domainOf: try #require(EmailAddress("x@\(domain)"))), "\(domain)")
        }
        // Nor the forwarding alias services that people who must stay private rely on.
        for domain in [
            "gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "fastmail.com", "example.org",
            "33mail.com", "simplelogin.com",
        ] {
            #expect(!list.contains(domainOf: try #require(EmailAddress("x@\(domain)"))), "\(domain)")
        }
    }

    @Test("another file can be used, and a missing one is a clear error")
    func otherFile() throws {
        let scratch = try ScratchDirectory(named: "disposable")
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.url.appendingPathComponent("disposable.txt")
        try "only.test\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try DisposableDomains.load(file: file.path).count == 1)
        #expect(throws: SettingsError.self) { try DisposableDomains.load(file: "/nonexistent/list.txt") }
    }
}

/// Token buckets counted as such, one per window, to check the limiter's decisions against.
private struct TokenBuckets {
    var capacity: [Double]
    var refillPerSecond: [Double]
    var tokens: [Double]
    var updatedAt: Date

    init(windows: [RateLimiter.Window], at start: Date) {
        capacity = windows.map { Double($0.limit) }
        refillPerSecond = windows.map { Double($0.limit) / $0.period }
        tokens = capacity
        updatedAt = start
    }

    mutating func take(at time: Date) -> RateLimiter.Decision {
        let elapsed = max(0, time.timeIntervalSince(updatedAt))
        updatedAt = max(updatedAt, time)
        for index in tokens.indices {
            tokens[index] = min(capacity[index], tokens[index] + refillPerSecond[index] * elapsed)
        }
        // Within a hair of a whole token counts as whole: refills are not exact in binary.
        let waits = tokens.indices.map { tokens[$0] < 1 - 1e-9 ? (1 - tokens[$0]) / refillPerSecond[$0] : 0 }
        guard let wait = waits.max(), wait > 0 else {
            for index in tokens.indices { tokens[index] -= 1 }
            return .allowed
        }
        return .refused(retryAfterSeconds: max(1, Int((wait - 1e-6).rounded(.up))))
    }
}
