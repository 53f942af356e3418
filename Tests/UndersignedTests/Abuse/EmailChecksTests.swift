import Foundation
import Testing

@testable import Undersigned

/// What is checked about the address a signer gives.
@Suite("Email checks on signing")
struct EmailChecksTests {
    @Test(
        "a disposable address is refused with a message, what was typed kept, nothing sent", arguments: TestDatabase.all
    )
    func disposable(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            for address in ["someone@mailinator.com", "someone@inbox.guerrillamail.com", "Someone@YOPMAIL.com"] {
                let response = try await browser.newVisitor().sign(name: "Throwaway", email: address)
                #expect(response.status == .unprocessableContent)
                #expect(response.body.contains("This is a disposable address that stops working soon"))
                #expect(response.body.contains("value=\"\(address)\""))
                #expect(response.body.contains("aria-invalid=\"true\""))
            }
            #expect(try await browser.sign(email: "kept@example.org").status == .seeOther)
            let messages = try await browser.mailbox.waitForTotal(1)
            #expect(messages.map(\.to) == ["kept@example.org"])
        }
    }

    @Test("another list of disposable domains can be configured", arguments: TestDatabase.all)
    func configuredList(database: TestDatabase) async throws {
        let scratch = try ScratchDirectory(named: "disposable")
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.url.appendingPathComponent("disposable.txt")
        try "# ours\nthrowaway.example\n".write(to: file, atomically: true, encoding: .utf8)
        let instance = try await TestInstance(database) { settings, _ in
            settings.disposableDomainsFile = file.path
        }
        try await instance.run { browser in
            let ours = try await browser.sign(email: "a@throwaway.example")
            #expect(ours.status == .unprocessableContent)
            let shipped = try await browser.sign(email: "a@mailinator.com")
            #expect(shipped.status == .seeOther)
        }
    }

    @Test(
        "signing again and again while pending: the same answer each time, at most 3 emails an hour",
        arguments: TestDatabase.all)
    func resendLimit(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            var responses: [Browser.Page] = []
            for _ in 0..<6 {
                // From different addresses, so that only the mailbox's limit applies.
                responses.append(try await browser.newVisitor().sign(email: "again@example.org"))
            }
            for response in responses {
                #expect(response.status == .seeOther)
                #expect(response.location == responses[0].location)
                #expect(response.body == responses[0].body)
            }
            // Someone else signs after: once their email is out, any fourth one would be too.
            try await browser.sign(email: "after@example.org")
            _ = try await browser.mailbox.waitForMessages(to: "after@example.org")
            let again = browser.mailbox.messages(to: "again@example.org")
            #expect(again.count == 3)
            #expect(Set(again.map(\.confirmationPath)).count == 1)

            // An hour later the mailbox may have its link once more.
            instance.clock.advance(by: 3600)
            try await browser.newVisitor().sign(email: "again@example.org")
            _ = try await browser.mailbox.waitForMessages(to: "again@example.org", count: 4)
        }
    }
}
