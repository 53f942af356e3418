import Foundation
import Testing

@testable import Undersigned

@Suite("The outbox for admins")
struct OutboxAdminPageTests {
    @Test(
        "an admin sees a message that cannot be sent, with its attempts, and never its address",
        arguments: TestDatabase.all)
    func failingMessage(database: TestDatabase) async throws {
        // Nothing listens on port 9 of loopback: every attempt fails and is recorded.
        let instance = try await TestInstance(database) { settings, _ in
            settings.mailTransport = .smtp
            settings.smtpServer = SMTPServerLocation(host: "127.0.0.1", port: 9, security: .startTLS)
        }
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.run { browser in
            #expect(try await browser.sign(email: "unreachable@example.org").status == .seeOther)
            try await browser.signIn("admin@example.org")
            var page = try await browser.get("/admin/outbox")
            let deadline = ContinuousClock.now + .seconds(30)
            while !page.body.contains("#1"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                page = try await browser.get("/admin/outbox")
            }
            #expect(page.status == .ok)
            #expect(page.body.contains("queued: 1, failed: 0"))
            #expect(page.body.contains("#1"))
            #expect(page.body.contains("retry"))
            #expect(!page.body.contains("unreachable@example.org"))
        }
    }
}
