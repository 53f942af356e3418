import Crypto
import Foundation
import Testing

@testable import Undersigned

/// Receipts and the signed log, as a signer and an outside checker see them over HTTP.
@Suite("Receipts and the public log")
struct ReceiptTests {
    struct TreeHead: Decodable {
        var size: UInt64
        var rootHash: String
        var signatureCount: Int
        var keyID: String
        var signature: String
        var signedData: String
    }

    struct Receipt: Decodable {
        struct Entry: Decodable {
            var index: UInt64
            var kind: String
            var leafHash: String
        }

        var receiptHash: String
        var status: String
        var entries: [Entry]
        var treeHead: TreeHead?
        var auditPath: [String]?
        var leafIndex: UInt64?
    }

    struct Key: Decodable {
        var algorithm: String
        var keyID: String
        var publicKey: String
    }

    @Test(
        "the receipt code on the thank-you page and in the email proves inclusion in a signed tree head",
        arguments: TestDatabase.all)
    func receiptProvesInclusion(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            #expect(try await browser.get(TestInstance.seedPath).body.contains("No signature has been logged yet."))
            try await browser.signAndConfirm(email: "receipt@example.org")
            let email = try #require(
                try await browser.mailbox.waitForMessages(to: "receipt@example.org", count: 2).last)
            let code = try #require(email.raw.firstMatch(of: /Your receipt code: ([A-Za-z0-9_-]{22})/)?.1).description
            let confirmation = try #require(browser.mailbox.messages(to: "receipt@example.org").first?.confirmationPath)
            let thanks = try await browser.get(confirmation)
            #expect(thanks.body.contains(code))

            // Within a few seconds a signed tree head includes the confirmation.
            var receipt = try await Self.receipt(code, browser)
            let deadline = ContinuousClock.now + .seconds(15)
            while receipt.status != "counted", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                receipt = try await Self.receipt(code, browser)
            }
            #expect(receipt.status == "counted")
            #expect(receipt.receiptHash == ReceiptCodes.hash(ofCode: code).hex)
            let head = try #require(receipt.treeHead)
            #expect(head.signatureCount == 1 && head.size == 1)
            let path = try #require(receipt.auditPath).map(Self.bytes)
            #expect(
                MerkleProof.verifyInclusion(
                    leafHash: Self.bytes(receipt.entries[0].leafHash), index: try #require(receipt.leafIndex),
                    size: head.size, path: path,
                    root: Self.bytes(head.rootHash)))

            // The head's signature verifies under the published key, over the published bytes.
            let keyPage = try await browser.get("/.well-known/undersigned/log-key")
            let key = try JSONDecoder().decode(Key.self, from: Data(keyPage.body.utf8))
            #expect(key.algorithm == "Ed25519" && key.keyID == head.keyID)
            let publicKey = try Curve25519.Signing.PublicKey(
                rawRepresentation: try #require(Data(base64Encoded: key.publicKey)))
            #expect(
                publicKey.isValidSignature(
                    try #require(Data(base64Encoded: head.signature)), for: Self.bytes(head.signedData)))

            // The petition's resource carries the same head.
            struct Petition: Decodable { var treeHead: TreeHead? }
            let petition = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)")
            let published = try #require(
                try JSONDecoder().decode(Petition.self, from: Data(petition.body.utf8)).treeHead)
            #expect(published.rootHash == head.rootHash && published.signatureCount == 1)

            // The petition page names the same head, with a way to check a receipt.
            let petitionPage = try await browser.get(TestInstance.seedPath)
            #expect(
                petitionPage.body.contains(
                    "Every signature is in a public, signed log: 1 entry counting 1, root \(head.rootHash.prefix(12))"))
            #expect(petitionPage.body.contains("href=\"/p/\(TestInstance.seedSlug)/receipt\""))

            let page = try await browser.get("/p/\(TestInstance.seedSlug)/receipt?code=\(code)")
            #expect(page.status == .ok)
            #expect(page.body.contains("This receipt is counted."))
            let unknown = try await browser.get("/p/\(TestInstance.seedSlug)/receipt?code=AAAAAAAAAAAAAAAAAAAAAA")
            #expect(unknown.body.contains("No entry of this petition"))
            let tooLong = try await browser.get(
                "/api/v1/petitions/\(TestInstance.seedSlug)/receipts/\(String(repeating: "A", count: 100))")
            #expect(tooLong.status == .badRequest)
            let badRange = try await browser.get(
                "/api/v1/petitions/\(TestInstance.seedSlug)/log/consistency?from=5&to=2")
            #expect(badRange.status == .badRequest)
            #expect(badRange.headers[.contentType] == "application/problem+json")
        }
    }

    static func receipt(_ code: String, _ browser: Browser) async throws -> Receipt {
        let response = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)/receipts/\(code)")
        #expect(response.status == .ok)
        return try JSONDecoder().decode(Receipt.self, from: Data(response.body.utf8))
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
