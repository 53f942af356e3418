import Foundation
import Testing

@testable import Undersigned

/// Withdrawing through the receipt's link, on every database.
@Suite("Withdrawing a signature")
struct WithdrawalTests {
    @Test(
        "the receipt's link withdraws only through its button; the count drops and the signer is erased",
        arguments: TestDatabase.all)
    func withdraw(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "leaving@example.org", country: "SY")
            try await browser.signAndConfirm(email: "staying@example.org", country: "SY")
            #expect(try await browser.apiCount() == 2)
            let receipt = try #require(
                try await browser.mailbox.waitForMessages(to: "leaving@example.org", count: 2).last)
            let link = try #require(receipt.withdrawalPath)

            // Opening the link, as a mail scanner would, changes nothing.
            for _ in 0..<2 {
                let page = try await browser.get(link)
                #expect(page.status == .ok)
                #expect(page.body.contains("Withdraw my signature"))
            }
            #expect(try await browser.apiCount() == 2)

            // Without the form's token, nothing happens either.
            let forged = try await browser.post(link, form: [("csrf", "forged")])
            #expect(forged.status == .forbidden)
            #expect(try await browser.apiCount() == 2)

            let page = try await browser.get(link)
            let withdrawn = try await browser.post(link, form: [("csrf", try #require(page.field("csrf")))])
            #expect(withdrawn.status == .seeOther)
            #expect(withdrawn.location == link)
            let after = try await browser.get(link)
            #expect(after.body.contains("Your signature is withdrawn"))
            #expect(try await browser.apiCount() == 1)

            // Withdrawing again is harmless.
            let again = try await browser.post(link, form: [("csrf", try #require(page.field("csrf")))])
            #expect(again.status == .seeOther)
            #expect(try await browser.apiCount() == 1)

            let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            try await withServices(of: store) {
                let id = try #require(MailLinks(instance).withdrawalID(link))
                let signature = try #require(try await store.signature(id: id))
                #expect(signature.state == .withdrawn)
                let sealed = try await store.write { try await $0.sealedPersonalData(ids: [id]) }
                #expect(sealed.isEmpty)
                #expect(try await store.countryCounts(petitionID: signature.petitionID)["SY"] == 1)
            }
        }
    }

    @Test("a withdrawn signer can sign again and is counted again", arguments: TestDatabase.all)
    func signAgain(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "second-thoughts@example.org")
            let receipt = try #require(
                try await browser.mailbox.waitForMessages(to: "second-thoughts@example.org", count: 2).last)
            let link = try #require(receipt.withdrawalPath)
            let page = try await browser.get(link)
            _ = try await browser.post(link, form: [("csrf", try #require(page.field("csrf")))])
            #expect(try await browser.apiCount() == 0)

            let signed = try await browser.sign(email: "second-thoughts@example.org")
            #expect(signed.status == .seeOther)
            let messages = try await browser.mailbox.waitForMessages(to: "second-thoughts@example.org", count: 3)
            let confirmation = try #require(messages.last?.confirmationPath)
            #expect(try await browser.confirm(confirmation).status == .seeOther)
            #expect(try await browser.apiCount() == 1)
        }
    }

    @Test("withdrawal links that were not made by the server lead nowhere", arguments: TestDatabase.all)
    func forgedLinks(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.sign(email: "pending-only@example.org")
            let confirmation = try #require(
                try await browser.mailbox.waitForMessages(to: "pending-only@example.org").first?.confirmationPath)
            // A confirmation token is not a withdrawal token.
            let borrowed = confirmation.replacingOccurrences(of: "/confirm/", with: "/withdraw/")
            for path in [borrowed, "/withdraw/nonsense", "/withdraw/" + String(repeating: "A", count: 43)] {
                let page = try await browser.get(path)
                #expect(page.status == .notFound)
                #expect(page.body.contains("This withdrawal link is not valid"))
            }
        }
    }
}

/// Reads the ids that the instance's links name.
struct MailLinks {
    let withdrawals: LinkTokens

    init(_ instance: TestInstance) throws {
        let secret = try ServerSecret.load(configured: nil, dataDirectory: instance.settings.dataDirectory)
        withdrawals = LinkTokens(key: secret.key(for: .withdrawalLink))
    }

    func withdrawalID(_ path: String) -> UUID? {
        withdrawals.id(from: String(path.dropFirst("/withdraw/".count)))
    }
}
