import Foundation
import Testing

@testable import Undersigned

/// The count moves only while it may: a signature pending when its petition closes may be
/// confirmed for a grace period, never after the first delivery, never on a taken-down one.
@Suite("Confirming after a petition closes")
struct ConfirmationWindowTests {
    @Test(
        "within the grace period a late confirmation counts, without asking anyone to share; after it, it does not",
        arguments: TestDatabase.all)
    func gracePeriod(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.run { browser in
            let early = browser.newVisitor()
            let late = browser.newVisitor()
            #expect(try await early.sign(email: "early@example.org", slug: slug).status == .seeOther)
            #expect(try await late.sign(email: "late@example.org", slug: slug).status == .seeOther)
            let earlyLink = try #require(
                try await early.mailbox.waitForMessages(to: "early@example.org").first?.confirmationPath)
            let lateLink = try #require(
                try await late.mailbox.waitForMessages(to: "late@example.org").first?.confirmationPath)

            let owner = browser.newVisitor()
            try await owner.signIn("owner@example.org")
            #expect(try await owner.press("close", petition: slug, in: "acme").status == .seeOther)

            let page = try await early.get(earlyLink)
            #expect(page.status == .ok)
            #expect(page.body.contains("This petition closed on"))
            #expect(try await early.confirm(earlyLink).status == .seeOther)
            let thanks = try await early.get(earlyLink)
            #expect(thanks.body.contains("your signature is confirmed"))
            #expect(!thanks.body.contains("Ask others to sign"))
            #expect(try await browser.apiCount(slug: slug) == 1)

            let openedInTime = try await late.get(lateLink)
            instance.clock.advance(by: ConfirmationWindow.graceAfterClosing + 60)
            let tooLate = try await late.get(lateLink)
            #expect(tooLate.status == .gone)
            #expect(tooLate.body.contains("Too late to confirm this signature"))
            let posted = try await late.post(lateLink, form: [("csrf", openedInTime.field("csrf") ?? "")])
            #expect(posted.status == .gone)
            #expect(try await browser.apiCount(slug: slug) == 1)
        }
    }

    @Test("once a delivery is recorded, the count is final even within the grace period", arguments: TestDatabase.all)
    func afterDelivery(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "counted@example.org", slug: slug)
            let pending = browser.newVisitor()
            #expect(try await pending.sign(email: "pending@example.org", slug: slug).status == .seeOther)
            let link = try #require(
                try await pending.mailbox.waitForMessages(to: "pending@example.org").first?.confirmationPath)
            let page = try await pending.get(link)

            let owner = browser.newVisitor()
            try await owner.signIn("owner@example.org")
            let manage = "/org/acme/petitions/\(slug)"
            #expect(try await owner.press("close", petition: slug, in: "acme").status == .seeOther)
            let csrf = try #require(try await owner.get(manage).field("csrf"))
            let recorded = try await owner.upload(
                "\(manage)/deliveries", fields: [("csrf", csrf), ("target", "1"), ("channel", "email"), ("by", "Ana")],
                file: nil)
            #expect(recorded.status == .seeOther)

            // The page opened before the delivery: its button no longer counts.
            let posted = try await pending.post(
                try #require(page.formAction), form: [("csrf", page.field("csrf") ?? "")])
            #expect(posted.status == .gone)
            #expect(posted.body.contains("its count is final"))
            #expect(try await pending.get(link).status == .gone)
            #expect(try await browser.apiCount(slug: slug) == 1)
        }
    }
}
