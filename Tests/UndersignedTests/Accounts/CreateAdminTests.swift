import Foundation
import Testing

@testable import Undersigned

@Suite("Creating the first admin")
struct CreateAdminTests {
    @Test(
        "create-admin makes an admin who can sign in; the address is sealed and the creation audited",
        arguments: TestDatabase.all)
    func createAdmin(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let account = try await Undersigned.createAdmin(
            settings: instance.settings, name: "Rania Admin", email: "canary-admin-5e1@example.org",
            password: TestInstance.password,
            logger: TestDatabase.logger)
        #expect(account.isAdmin)
        #expect(account.passwordHash.hasPrefix("$2b$04$"))
        #expect(try await instance.auditActions() == [.accountCreated])
        try await instance.run { browser in
            let signedIn = try await browser.signIn("canary-admin-5e1@example.org")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.location == "/account")
            let page = try await browser.get("/account")
            #expect(page.status == .ok)
            #expect(page.body.contains("Rania Admin"))
            #expect(page.body.contains("canary-admin-5e1@example.org"))
            #expect(page.body.contains("instance admin"))
        }
        guard case .sqlite(let path) = instance.settings.database else { return }
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data("canary-admin-5e1".utf8)) == nil)
        }
    }

    @Test(
        "weak passwords, bad addresses and a second account with the same address are refused",
        arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        func problems(_ email: String, _ password: String) async -> FormProblems? {
            do {
                try await instance.createAccount(email, admin: true, password: password)
                return nil
            } catch {
                return error as? FormProblems
            }
        }
        #expect(await problems("admin@example.org", "short")?["password"]?.contains("at least 12") == true)
        #expect(await problems("admin@example.org", "Password1234")?["password"]?.contains("common") == true)
        #expect(await problems("admin@example.org", "aaaaaaaaaaaaaaaa")?["password"]?.contains("common") == true)
        #expect(
            await problems("rania.admin@example.org", "my rania.admin pass")?["password"]?.contains("email") == true)
        #expect(await problems("not an address", TestInstance.password)?["email"] != nil)
        #expect(await problems("admin@example.org", TestInstance.password) == nil)
        #expect(
            await problems("ADMIN@example.org", "another long passphrase")?["email"]?.contains("exists already") == true
        )
    }
}
