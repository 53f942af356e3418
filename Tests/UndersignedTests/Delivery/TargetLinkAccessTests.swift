import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// A target's private link opens the delivery package, which names signers: only those who
/// may take the package themselves may make one, and every download is in the audit log.
@Suite("Who makes targets' links, and what their downloads leave behind")
struct TargetLinkAccessTests {
    @Test(
        "an editor can neither make nor revoke a target's link; an owner can, and the target's download is audited",
        arguments: TestDatabase.all)
    func onlyOwnersHandOutPackages(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.createAccount("editor@example.org")
        try await instance.run { owner in
            try await owner.newVisitor().signAndConfirm(
                email: "named@example.org", on: slug, name: "Samira Khoury", showName: true)
            try await owner.signIn("owner@example.org")
            let editor = owner.newVisitor()
            try await editor.signIn("editor@example.org")
            let invitation = try await owner.invite("editor@example.org", role: .editor, to: "acme")
            #expect(try await editor.submit(invitation, action: "\(invitation)/accept").status == .seeOther)

            let deliveries = "/org/acme/petitions/\(slug)/deliveries"
            let links = "/org/acme/petitions/\(slug)/target-links"
            // The editor's own package request is refused; so is the side door.
            #expect(
                try await editor.submit(deliveries, action: "/org/acme/petitions/\(slug)/package").status == .forbidden)
            let made = try await editor.submit(deliveries, action: links, [("target", "1"), ("intent", "create")])
            #expect(made.status == .forbidden)
            #expect(made.body.firstMatch(of: #/undersigned\.test/t/#) == nil)
            #expect(
                try await editor.submit(
                    deliveries, action: links, [("target", "1"), ("intent", "revoke"), ("confirmed", "yes")]
                ).status
                    == .forbidden)
            #expect(!(try await editor.get(deliveries).body.contains(#"action="\#(links)""#)))

            // The owner makes one; the target's download names the signer, and is audited with the target as its actor.
            #expect(try await owner.get(deliveries).body.contains(#"action="\#(links)""#))
            let ownerMade = try await owner.submit(deliveries, action: links, [("target", "2"), ("intent", "create")])
            #expect(ownerMade.status == .ok)
            let link = try #require(
                ownerMade.body.firstMatch(of: #/http://undersigned\.test(/t/[A-Za-z0-9_-]{43})/#)?.1)
            let target = owner.newVisitor()
            let package = try await target.get("\(link)/package.zip")
            #expect(package.status == .ok)
            let audit = try await owner.get("/org/acme/audit")
            let row = try #require(
                audit.body.split(separator: "<tr>").first { $0.contains("petition.package-exported") },
                "the target's download is not audited")
            #expect(row.contains("António Guterres"))
            #expect(row.contains("private link"))

            // The owner's own download is audited as theirs.
            #expect(try await owner.submit(deliveries, action: "/org/acme/petitions/\(slug)/package").status == .ok)
            let downloads = try await owner.get("/org/acme/audit").body.split(separator: "<tr>").filter {
                $0.contains("petition.package-exported")
            }
            #expect(downloads.count == 2)
            #expect(downloads.contains { $0.contains("<td>owner</td>") })
        }
    }
}
