import Foundation
import Testing

@testable import Undersigned

/// The heart of the product, through HTTP, on every database: sign, get the email, confirm,
/// see the count.
@Suite("Signing the seed petition")
struct SigningFlowTests {
    @Test("sign, confirm through the emailed link, and the count goes up", arguments: TestDatabase.all)
    func fullFlow(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            #expect(try await browser.apiCount() == 0)
            #expect(try await browser.pageCount() == "0")

            let signed = try await browser.sign(email: "amal@example.org", country: "SY")
            #expect(signed.status == .seeOther)
            #expect(signed.location == "/p/syria-children-un-investigation/check-email")
            let checkEmail = try await browser.get(signed.location!)
            #expect(checkEmail.status == .ok)
            #expect(checkEmail.body.contains("Check your email"))

            let email = try #require(try await browser.mailbox.waitForMessages(to: "amal@example.org").first)
            #expect(email.raw.contains("Hello Amal Haddad"))
            #expect(
                email.subject
                    == "Please confirm your signature: Act to end the Assad regime’s use of sexual violence against children as a weapon of war"
            )
            // Every header line stays within RFC 5322's limit of 998 characters, encoded words within 75.
            for line in email.raw.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 998)
                for word in line.split(separator: " ") where word.hasPrefix("=?") { #expect(word.count <= 75) }
            }
            let link = try #require(email.confirmationPath)
            // Pending signatures are not counted.
            #expect(try await browser.apiCount() == 0)

            let confirmed = try await browser.confirm(link)
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.location == link)
            let thanks = try await browser.get(confirmed.location!)
            #expect(thanks.body.contains("your signature is confirmed"))
            #expect(thanks.body.contains("https://wa.me/?text="))
            #expect(thanks.body.contains("http://undersigned.test/withdraw/"))

            // The receipt follows, with the same withdrawal link.
            let receipt = try #require(try await browser.mailbox.waitForMessages(to: "amal@example.org", count: 2).last)
            #expect(receipt.subject.hasPrefix("Your signature is counted: "))
            let withdrawal = try #require(receipt.withdrawalPath)
            #expect(thanks.body.contains("http://undersigned.test\(withdrawal)"))

            #expect(try await browser.apiCount() == 1)
            #expect(try await browser.pageCount() == "1")
            let home = try await browser.get("/")
            #expect(home.body.contains(#"<strong class="count">1</strong> confirmed signature</span>"#))
        }
    }

    @Test("opening the confirmation link does not confirm; only the button does", arguments: TestDatabase.all)
    func getDoesNotConfirm(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.sign(email: "scanner@example.org")
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "scanner@example.org").first?.confirmationPath)
            for _ in 0..<3 {
                let page = try await browser.get(link)
                #expect(page.status == .ok)
                #expect(page.body.contains("Confirm my signature"))
                #expect(page.headers[.cacheControl] == "no-store")
            }
            // A HEAD request, as some link checkers send, confirms nothing either.
            _ = try await browser.send(link, method: .head, headers: [:], body: nil)
            #expect(try await browser.apiCount() == 0)

            try await browser.confirm(link)
            #expect(try await browser.apiCount() == 1)
        }
    }

    @Test("confirming twice is harmless", arguments: TestDatabase.all)
    func confirmTwice(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.sign(email: "twice@example.org")
            let link = try #require(
                try await browser.mailbox.waitForMessages(to: "twice@example.org").first?.confirmationPath)
            let page = try await browser.get(link)
            let token = try #require(page.field("csrf"))
            let first = try await browser.post(link, form: [("csrf", token)])
            let second = try await browser.post(link, form: [("csrf", token)])
            #expect(first.status == .seeOther)
            #expect(second.status == .seeOther)
            #expect(second.location == first.location)
            // Once confirmed, the link shows the thank-you page.
            let again = try await browser.get(link)
            #expect(again.status == .ok)
            #expect(again.body.contains("your signature is confirmed"))
            #expect(try await browser.apiCount() == 1)
        }
    }

    @Test("signing twice answers as signing once and counts once", arguments: TestDatabase.all)
    func duplicateSigning(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let first = try await browser.sign(email: "Repeat.Signer+petition@gmail.com")
            // The same Gmail mailbox written differently is the same signer.
            let second = try await browser.sign(email: "repeatsigner@googlemail.com")
            #expect(first.status == second.status)
            #expect(first.location == second.location)
            #expect(first.body == second.body)

            // A pending signer gets the same working link again.
            let pending = try await browser.mailbox.waitForMessages(to: "repeatsigner@googlemail.com")
            let original = try await browser.mailbox.waitForMessages(to: "Repeat.Signer+petition@gmail.com")
            #expect(pending.first?.confirmationPath == original.first?.confirmationPath)

            try await browser.confirm(try #require(original.first?.confirmationPath))
            #expect(try await browser.apiCount() == 1)

            // After confirming, signing again looks the same from outside, tells the mailbox
            // owner they are counted, and changes no count.
            let third = try await browser.sign(email: "repeat.signer@gmail.com")
            #expect(third.status == first.status)
            #expect(third.location == first.location)
            let notice = try await browser.mailbox.waitForMessages(to: "repeat.signer@gmail.com")
            #expect(
                notice.first?.subject
                    == "You have already signed: Act to end the Assad regime’s use of sexual violence against children as a weapon of war"
            )
            #expect(notice.first?.confirmationPath == nil)
            #expect(try await browser.apiCount() == 1)
        }
    }

    @Test("a restart keeps every confirmed signature", arguments: TestDatabase.all)
    func restartKeepsSignatures(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let emails = (0..<5).map { "restart\($0)@example.org" }
        try await instance.run { browser in
            for email in emails { try await browser.signAndConfirm(email: email) }
            #expect(try await browser.apiCount() == 5)
        }
        try await instance.run { browser in
            #expect(try await browser.apiCount() == 5)
            #expect(try await browser.pageCount() == "5")
            // The seed petition is not created twice.
            let list = try await browser.get("/api/v1/petitions")
            #expect(list.body.components(separatedBy: "\"slug\"").count == 2)
        }
    }

    @Test("many people signing at once are counted exactly", arguments: TestDatabase.all)
    func concurrentSigning(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let signers = 120
        try await instance.run { browser in
            // Every signer signs at the same moment; some press the button twice.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<signers {
                    let visitor = browser.newVisitor()
                    group.addTask {
                        let response = try await visitor.sign(
                            name: "Signer \(index)", email: "crowd\(index)@example.org")
                        #expect(response.status == .seeOther)
                    }
                    if index % 10 == 0 {
                        group.addTask {
                            let response = try await visitor.newVisitor().sign(
                                name: "Signer \(index)", email: "crowd\(index)@example.org")
                            #expect(response.status == .seeOther)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let messages = try await browser.mailbox.waitForTotal(signers + signers / 10)
            let links = Set(messages.compactMap(\.confirmationPath))
            #expect(links.count == signers)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for link in links {
                    let visitor = browser.newVisitor()
                    group.addTask {
                        let page = try await visitor.get(link)
                        let response = try await visitor.post(link, form: [("csrf", page.field("csrf") ?? "")])
                        #expect(response.status == .seeOther)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await browser.apiCount() == signers)
        }
        // The stored counter agrees with the rows.
        let countAfterRestart = try await instance.run { browser in try await browser.apiCount() }
        #expect(countAfterRestart == signers)
    }
}
