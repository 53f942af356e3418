import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

@Suite("Accounts managed by the instance's admins")
struct AdminAccountsTests {
    @Test(
        "a disabled account is signed out at once and cannot sign in until enabled again; admins cannot disable themselves",
        arguments: TestDatabase.all)
    func disable(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let admin = try await instance.createAccount("admin@example.org", admin: true)
        let owner = try await instance.createAccount("owner@example.org", name: "Rania Owner")
        try await instance.run { browser in
            let organizer = browser.newVisitor()
            #expect(try await organizer.signIn("owner@example.org").status == .seeOther)
            #expect(try await organizer.get("/account").status == .ok)

            try await browser.signIn("admin@example.org")
            let list = try await browser.get("/admin/accounts")
            #expect(list.status == .ok)
            #expect(list.body.contains("Rania Owner"))
            #expect(list.body.contains("owner@example.org"))
            #expect(!list.body.contains("/admin/accounts/\(admin.id.text)/disable"))
            #expect(
                try await browser.submit("/admin/accounts", action: "/admin/accounts/\(owner.id.text)/disable").status
                    == .seeOther)
            #expect(try await browser.get("/admin/accounts").body.contains("disabled"))

            #expect(try await organizer.get("/account").location?.hasPrefix("/account/sign-in") == true)
            // Refused as a wrong password is, so the page does not tell that the account exists.
            let refused = try await organizer.signIn("owner@example.org")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("not right"))
            #expect(try await organizer.get("/account").location?.hasPrefix("/account/sign-in") == true)

            let own = try await browser.submit("/admin/accounts", action: "/admin/accounts/\(admin.id.text)/disable")
            #expect(own.status == .conflict)
            #expect(own.body.contains("You cannot disable your own account."))
            #expect(try await browser.get("/account").status == .ok)

            #expect(
                try await browser.submit("/admin/accounts", action: "/admin/accounts/\(owner.id.text)/enable").status
                    == .seeOther)
            #expect(try await organizer.signIn("owner@example.org").status == .seeOther)
            #expect(
                try await browser.submit("/admin/accounts", action: "/admin/accounts/\(UUID().uuidString)/disable")
                    .status == .notFound)
        }
        let actions = try await instance.auditActions()
        #expect(actions.contains(.accountDisabled))
        #expect(actions.contains(.accountEnabled))
    }
}
