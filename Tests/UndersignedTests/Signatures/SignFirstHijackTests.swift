import Foundation
import Testing

@testable import Undersigned

/// Whoever signs first with someone else's address must not choose what the mailbox owner
/// later confirms.
@Suite("Signing again before confirming")
struct SignFirstHijackTests {
    @Test(
        "the latest signing replaces an unconfirmed one, and the confirmation page shows what will be counted",
        arguments: TestDatabase.all)
    func latestSigningWins(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let attacker = browser.newVisitor()
            let owner = browser.newVisitor()
            #expect(
                try await attacker.sign(
                    name: "Mallory Fake", email: "rana@example.org", country: "RU", showName: true, updates: true
                ).status == .seeOther)
            _ = try await owner.mailbox.waitForMessages(to: "rana@example.org", count: 1)
            #expect(
                try await owner.sign(name: "Rana Khalil", email: "rana@example.org", country: "FR").status == .seeOther)
            let links = try await owner.mailbox.waitForMessages(to: "rana@example.org", count: 2).compactMap(
                \.confirmationPath)
            #expect(links.count == 2)

            // Even the first email's link now confirms the owner's own signing, and says so first.
            let page = try await owner.get(try #require(links.first))
            #expect(page.body.contains("Rana Khalil"))
            #expect(page.body.contains("France"))
            #expect(page.body.contains("Not shown: you are counted, never named"))
            #expect(!page.body.contains("Mallory"))
            #expect(!page.body.contains("Russia"))
            #expect(try await owner.confirm(try #require(links.first)).status == .seeOther)
            #expect(try await owner.apiCount() == 1)
        }
        try await instance.withStore { store in
            let petition = try #require(try await store.petition(slug: TestInstance.seedSlug))
            let signatures = try await store.write { transaction in
                try await transaction.signature(
                    petitionID: petition.id, fingerprint: instance.fingerprint("rana@example.org"))
            }
            let signature = try #require(signatures)
            #expect(signature.state == .confirmed)
            #expect(signature.country == "FR")
            #expect(!signature.showNamePublicly)
            #expect(!signature.wantsUpdates)
            let sealed = try #require(try await store.signatureWithPersonalData(id: signature.id)?.sealedPersonalData)
            #expect(
                try await instance.sealer(for: store).open(
                    PersonalData.self, from: sealed, in: .signature(signature.id)
                ).name == "Rana Khalil")
        }
    }

    @Test("once confirmed, signing again changes nothing", arguments: TestDatabase.all)
    func confirmedStays(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "rana@example.org", name: "Rana Khalil", country: "FR")
            let attacker = browser.newVisitor()
            #expect(
                try await attacker.sign(name: "Mallory Fake", email: "rana@example.org", country: "RU", showName: true)
                    .status == .seeOther)
            _ = try await browser.mailbox.waitForMessages(to: "rana@example.org", count: 3)
            #expect(try await browser.apiCount() == 1)
        }
        try await instance.withStore { store in
            let petition = try #require(try await store.petition(slug: TestInstance.seedSlug))
            let signature = try #require(
                try await store.write {
                    try await $0.signature(
                        petitionID: petition.id, fingerprint: instance.fingerprint("rana@example.org"))
                })
            #expect(signature.country == "FR")
            #expect(!signature.showNamePublicly)
        }
    }
}

extension TestInstance {
    /// The dedup fingerprint this instance gives an address.
    func fingerprint(_ address: String) throws -> [UInt8] {
        let email = try #require(EmailAddress(address))
        return EmailFingerprinter(key: try secret().key(for: .emailFingerprint)).fingerprint(email)
    }
}
