import Foundation
import Testing

@testable import Undersigned

@Suite("The audit log")
struct AuditLogTests {
    @Test(
        "owners and admins read who did what to the organization, with no addresses; the instance log is for admins",
        arguments: TestDatabase.all)
    func auditPages(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", name: "Ada Admin", admin: true)
        try await instance.createAccount("owner@example.org", name: "Olfa Owner")
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Acme", slug: "acme")
            _ = try await owner.invite("secret-invitee@example.org", role: .editor, to: "acme")
            let log = try await owner.get("/org/acme/audit")
            #expect(log.status == .ok)
            #expect(log.body.contains("organization.created"))
            #expect(log.body.contains("invitation.sent"))
            #expect(log.body.contains("Olfa Owner"))
            #expect(log.body.contains("role: editor"))
            #expect(!log.body.contains("secret-invitee"))
            #expect(!log.body.contains("account.created"))

            let admin = owner.newVisitor()
            try await admin.signIn("admin@example.org")
            #expect(try await admin.get("/org/acme/audit").status == .ok)
            let all = try await admin.get("/admin/audit")
            #expect(all.status == .ok)
            #expect(all.body.contains("account.created"))
            #expect(all.body.contains("instance admin"))
            #expect(all.body.contains("acme"))
            #expect(!all.body.contains("@example.org"))
            #expect(try await owner.get("/admin/audit").status == .forbidden)
        }
    }
}
