import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Rate limits count addresses in memory only: nothing of an address reaches the database.
@Suite("Client addresses are never stored")
struct AddressPrivacyTests {
    @Test(
        "after a flood the database holds neither the address nor anything longer than a 20-bit bucket",
        arguments: TestDatabase.all)
    func nothingStored(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in
            settings.proofOfWorkCalmRate = 1
            settings.proofOfWorkMaximumBits = 8
        }
        let addresses = ["203.0.113.77", "2001:db8:feed:beef::7"]
        try await instance.run { browser in
            // Busy from the start: every form carries a challenge to redeem.
            try await ProofOfWorkFlowTests.flood(browser, requests: 1)
            for address in addresses {
                let visitor = Browser(client: browser.client, mailbox: browser.mailbox, address: address)
                var refused = 0
                for index in 0..<12 {
                    let response = try await visitor.sign(email: "flood\(index)-\(address.count)@example.org")
                    if response.status == .tooManyRequests { refused += 1 }
                }
                #expect(refused == 7)
            }
            _ = try await browser.mailbox.waitForTotal(10)
        }
        switch instance.settings.database {
        case .sqlite(let path):
            // The database and its write-ahead log hold no address, in any spelling.
            for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                for text in addresses + ["203.0.113", "2001:db8:feed", "feed:beef"] {
                    #expect(bytes.range(of: Data(text.utf8)) == nil, "\(text) in \(file)")
                }
                #expect(bytes.range(of: Data([203, 0, 113, 77])) == nil)
            }
            // One instance owns an SQLite database: it shares no abuse state at all.
            let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            try await withServices(of: store) {
                let sql = try #require(store as? SQLStore)
                let rows = try await sql.driver.read { db in
                    try await db.raw(
                        "SELECT (SELECT COUNT(*) FROM rate_buckets) + (SELECT COUNT(*) FROM redeemed_challenges) AS n"
                    ).first()?
                    .decode(column: "n", as: Int.self)
                }
                #expect(rows == 0)
            }
        case .postgres:
            // Shared buckets are small numbers; nothing else of an address is there.
            let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            try await withServices(of: store) {
                let sql = try #require(store as? SQLStore)
                let buckets = try await sql.driver.read { db in
                    try await db.raw("SELECT bucket FROM rate_buckets").all().map {
                        try $0.decode(column: "bucket", as: Int.self)
                    }
                }
                #expect(buckets.allSatisfy { (0..<(1 << 20)).contains($0) })
            }
        }
    }

    @Test("the TCP peer is the client, whatever X-Forwarded-For says, unless trusted")
    func peerAddress() async throws {
        let instance = try await TestInstance(.sqlite) { settings, _ in settings.trustForwardedFor = false }
        try await instance.run(.live) { browser in
            for index in 0..<5 {
                let visitor = Browser(client: browser.client, mailbox: browser.mailbox, address: "198.51.100.\(index)")
                #expect(try await visitor.sign(email: "live\(index)@example.org").status == .seeOther)
            }
            // A sixth from the same peer, claiming yet another address, is still the same client.
            let claimed = Browser(client: browser.client, mailbox: browser.mailbox, address: "198.51.100.200")
            let refused = try await claimed.sign(email: "live5@example.org")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
        }
    }
}
