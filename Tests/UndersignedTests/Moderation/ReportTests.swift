import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Visitors' reports through HTTP, on every database: the form, its limits, the queue, and
/// how moderators close them.
@Suite("Reporting petitions")
struct ReportTests {
    @Test(
        "visitors report without an account; reports reach the queue grouped with counts; dismissing resolves them",
        arguments: TestDatabase.all)
    func reportAndDismiss(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", name: "Rania Moderator", admin: true)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.body.contains(#"href="\#(TestInstance.seedPath)/report""#))
            let form = try await browser.get("\(TestInstance.seedPath)/report")
            #expect(form.status == .ok)
            #expect(form.body.contains("Act to end the Assad regime"))
            for reason in ReportReason.allCases {
                #expect(form.body.contains(#"value="\#(reason.rawValue)""#))
            }

            // No reason, or too many details: the form comes back with what was typed.
            let missing = try await browser.report(TestInstance.seedSlug, reason: nil, details: "kept text")
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("Please choose what is wrong with this petition."))
            #expect(missing.body.contains("kept text"))
            let long = try await browser.report(
                TestInstance.seedSlug, reason: "spam", details: String(repeating: "y", count: 2_001))
            #expect(long.status == .unprocessableContent)
            #expect(long.body.contains("2,000 characters"))
            #expect(long.body.contains(#"value="spam" checked"#))
            let unknown = try await browser.newVisitor().report(TestInstance.seedSlug, reason: "boring")
            #expect(unknown.status == .unprocessableContent)
            // Without the form's token, nothing is stored.
            let forged = try await browser.newVisitor().post(
                "\(TestInstance.seedPath)/report", form: [("csrf", "forged"), ("reason", "spam")])
            #expect(forged.status == .forbidden)
            #expect(try await instance.openReports().isEmpty)

            let sent = try await browser.report(
                TestInstance.seedSlug, reason: "privacy", details: "It names a survivor in the second paragraph.")
            #expect(sent.status == .seeOther)
            #expect(sent.location == "\(TestInstance.seedPath)/report/thanks")
            let thanks = try await browser.get(try #require(sent.location))
            #expect(thanks.status == .ok)
            #expect(thanks.body.contains("Thank you for your report"))
            #expect(try await browser.newVisitor().report(TestInstance.seedSlug, reason: "privacy").status == .seeOther)
            #expect(try await browser.newVisitor().report(TestInstance.seedSlug, reason: "spam").status == .seeOther)

            let stored = try await instance.openReports()
            #expect(stored.count == 3)
            #expect(stored.map(\.reason).sorted { $0.rawValue < $1.rawValue } == [.privacy, .privacy, .spam])
            // Details are sealed like personal data.
            let sealed = try #require(stored.compactMap(\.sealedDetails).first)
            #expect(Data(sealed).range(of: Data("survivor".utf8)) == nil)

            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")
            let queue = try await admin.get("/admin/review")
            #expect(queue.body.contains("3 open reports"))
            #expect(queue.body.contains("It exposes someone (private information, photos): 2"))
            #expect(queue.body.contains("It is spam or advertising: 1"))
            #expect(queue.body.contains("/admin/petitions/\(TestInstance.seedSlug)/dismiss-reports"))
            let detail = try await admin.get("/admin/petitions/\(TestInstance.seedSlug)")
            #expect(detail.body.contains("It names a survivor in the second paragraph."))

            let dismissed = try await admin.moderate(TestInstance.seedSlug, "dismiss-reports", from: "queue")
            #expect(dismissed.status == .seeOther)
            #expect(dismissed.location == "/admin/review?done=dismissed")
            #expect(try await instance.openReports().isEmpty)
            let after = try await admin.get("/admin/review")
            #expect(after.body.contains("No open report."))
            #expect(try await browser.get(TestInstance.seedPath).status == .ok)
        }
        let event = try #require(try await instance.auditEvents().first { $0.event.action == .reportsDismissed })
        #expect(event.actorName == "Rania Moderator")
        #expect(event.event.details == "3 reports: 2 privacy, 1 spam")
    }

    @Test(
        "taking a reported petition down resolves its reports, tells the owners and is audited",
        arguments: TestDatabase.all)
    func reportAndTakeDown(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", name: "Rania Moderator", admin: true)
        try await instance.createAccount("owner@example.org", name: "Olfa Owner")
        let reason = "It exposes the home address of a witness."
        let slug = try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Acme", slug: "acme")
            let slug = try await owner.submitArabicPetition(in: "acme")
            let admin = owner.newVisitor()
            try await admin.signIn("admin@example.org")
            #expect(try await admin.moderate(slug, "approve").status == .seeOther)

            let visitor = owner.newVisitor()
            #expect(
                try await visitor.report(slug, reason: "privacy", details: "Home address in the text").status
                    == .seeOther)
            #expect(try await visitor.newVisitor().report(slug, reason: "hateful").status == .seeOther)
            let queue = try await admin.get("/admin/review")
            #expect(queue.body.contains("2 open reports"))
            #expect(queue.body.contains("/admin/petitions/\(slug)/take-down"))

            let takenDown = try await admin.moderate(slug, "take-down", reason: reason, from: "queue")
            #expect(takenDown.status == .seeOther)
            #expect(takenDown.location == "/admin/review?done=taken-down")
            #expect(try await instance.openReports().isEmpty)
            #expect(try await admin.get("/admin/review").body.contains("No open report."))

            // The tombstone, in the petition's own direction; reports of it are refused.
            let tombstone = try await visitor.get("/p/\(slug)")
            #expect(tombstone.status == .gone)
            #expect(tombstone.body.contains(#"<bdi lang="ar" dir="rtl">\#(TestInstance.arabicTitle)</bdi>"#))
            #expect(tombstone.body.contains(reason))
            #expect(!tombstone.body.contains("ملخص العريضة"))
            #expect(try await visitor.report(slug, reason: "spam").status == .gone)

            let emails = try await owner.mailbox.waitForMessages(to: "owner@example.org", count: 2)
            let email = try #require(emails.first { $0.subject.hasPrefix("Your petition was taken down") })
            #expect(email.raw.contains(reason))
            #expect(email.raw.contains(InterfaceLanguage.en.date(instance.clock.now)))
            return slug
        }
        #expect(try await instance.petition(slug: slug)?.state == .takenDown)
        let events = try await instance.auditEvents()
        let upheld = try #require(events.first { $0.event.action == .reportsUpheld })
        #expect(upheld.event.details == "2 reports: 1 hateful, 1 privacy")
        #expect(upheld.actorName == "Rania Moderator")
        #expect(upheld.organizationSlug == "acme")
        #expect(events.contains { $0.event.action == .petitionTakenDown && $0.event.details.contains(reason) })
    }

    @Test(
        "a flood of reports from one address gets 429 with Retry-After; other addresses are not held back",
        arguments: TestDatabase.all)
    func flood(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            for _ in 0..<3 {
                #expect(try await browser.report(TestInstance.seedSlug, reason: "spam").status == .seeOther)
            }
            let refused = try await browser.report(TestInstance.seedSlug, reason: "spam")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "20")
            #expect(refused.body.contains("Too many reports from your connection"))
            #expect(try await browser.newVisitor().report(TestInstance.seedSlug, reason: "spam").status == .seeOther)
            instance.clock.advance(by: 20)
            #expect(try await browser.report(TestInstance.seedSlug, reason: "spam").status == .seeOther)
        }
        #expect(try await instance.openReports().count == 5)
    }

    @Test(
        "a report keeps neither the client address nor its details in clear, in the database or the logs",
        arguments: TestDatabase.all)
    func nothingInClear(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let logs = LogCapture()
        let clientAddress = "198.51.100.91"
        let details = "Report canary 7f3a: my own phone number is in it"
        let stored = try await instance.run(.live, logger: logs.logger()) { browser in
            let headers: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: clientAddress]
            let form = try await browser.get("\(TestInstance.seedPath)/report", headers: headers)
            let sent = try await browser.post(
                "\(TestInstance.seedPath)/report",
                form: [("csrf", try #require(form.field("csrf"))), ("reason", "other"), ("details", details)],
                headers: headers)
            #expect(sent.status == .seeOther)
            return try await CanaryTests.storedBytes(instance.settings.database)
        }
        #expect(try await instance.openReports().count == 1)
        for canary in [clientAddress, "Report canary 7f3a"] {
            for (file, bytes) in stored {
                #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(canary) found in \(file)")
                #expect(bytes.range(of: Data(canary.utf8.hex.utf8)) == nil, "\(canary) found in hex in \(file)")
            }
            #expect(!logs.text.contains(canary), "\(canary) found in the logs")
        }
    }
}
