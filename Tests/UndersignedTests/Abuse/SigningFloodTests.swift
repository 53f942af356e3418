import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Floods of signatures through HTTP, on every database: only real signers are counted.
@Suite("Signing floods")
struct SigningFloodTests {
    @Test("one address signing again and again gets 429 after the burst, with Retry-After", arguments: TestDatabase.all)
    func oneAddress(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            for index in 0..<5 {
                let response = try await browser.sign(email: "burst\(index)@example.org")
                #expect(response.status == .seeOther)
            }
            let refused = try await browser.sign(email: "burst5@example.org")
            #expect(refused.status == .tooManyRequests)
            // One more attempt comes back every 12 seconds (5 a minute).
            #expect(refused.headers[.retryAfter] == "12")
            #expect(refused.headers[.contentType] == "text/html; charset=utf-8")
            #expect(refused.body.contains("Too many signatures from your connection"))
            #expect(refused.body.contains("Please try again in 1 minute"))

            // Programs asking for JSON get problem details.
            let page = try await browser.get(TestInstance.seedPath)
            let json = try await browser.post(
                "\(TestInstance.seedPath)/sign", form: browser.signForm(from: page, email: "burst6@example.org"),
                headers: [.accept: "application/json"])
            #expect(json.status == .tooManyRequests)
            #expect(json.headers[.contentType] == "application/problem+json")
            #expect(json.headers[.retryAfter] == "12")
            #expect(json.body.contains("\"status\":429"))

            // Another address is not held back.
            #expect(try await browser.newVisitor().sign(email: "neighbour@example.org").status == .seeOther)

            // Twelve seconds later, one more.
            instance.clock.advance(by: 12)
            #expect(try await browser.sign(email: "burst7@example.org").status == .seeOther)
            #expect(try await browser.sign(email: "burst8@example.org").status == .tooManyRequests)

            let sent = ["burst0", "burst1", "burst2", "burst3", "burst4", "neighbour", "burst7"].map {
                "\($0)@example.org"
            }
            let messages = try await browser.mailbox.waitForTotal(sent.count)
            #expect(Set(messages.map(\.to)) == Set(sent))
        }
    }

    @Test("many addresses, each within its limits, are all counted once confirmed", arguments: TestDatabase.all)
    func manyAddresses(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let signers = 40
        try await instance.run { browser in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<signers {
                    let visitor = browser.newVisitor()
                    group.addTask { try await visitor.signAndConfirm(email: "many\(index)@example.org") }
                }
                try await group.waitForAll()
            }
            #expect(try await browser.apiCount() == signers)
        }
    }

    @Test("dot and +tag spellings of one mailbox add one signature", arguments: TestDatabase.all)
    func mailboxVariants(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let variants = [
                "Nour.Khalil@gmail.com", "nourkhalil+syria@gmail.com", "n.o.u.r.khalil@googlemail.com",
                "NOURKHALIL+x@GMAIL.COM",
            ]
            for variant in variants {
                #expect(try await browser.newVisitor().sign(email: variant).status == .seeOther)
            }
            // Three emails at most: the mailbox's limit.
            _ = try await browser.mailbox.waitForTotal(3)
            let first = try #require(try await browser.mailbox.waitForMessages(to: variants[0]).first?.confirmationPath)
            for variant in variants.dropFirst() {
                // Every spelling got the same link.
                let messages = browser.mailbox.messages(to: variant)
                #expect(messages.allSatisfy { $0.confirmationPath == first })
            }
            try await browser.confirm(first)
            #expect(try await browser.apiCount() == 1)
        }
    }
}
