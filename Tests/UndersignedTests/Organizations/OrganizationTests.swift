import Foundation
import Testing

@testable import Undersigned

@Suite("Organizations, members and invitations")
struct OrganizationTests {
    @Test(
        "an owner creates an organization, invites by email; the invitee creates an account from the link and joins",
        arguments: TestDatabase.all)
    func inviteNewPerson(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org", name: "Olfa Owner")
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            let created = try await owner.createOrganization("Zero Impunity", slug: "")
            #expect(created.status == .seeOther)
            #expect(created.location == "/org/zero-impunity")
            let page = try await owner.get("/org/zero-impunity")
            #expect(page.status == .ok)
            #expect(page.body.contains("Olfa Owner"))
            #expect(try await owner.get("/account").body.contains(#"href="/org/zero-impunity""#))

            let link = try await owner.invite("new.editor@example.org", role: .editor, to: "zero-impunity")
            let invited = try await owner.get("/org/zero-impunity")
            #expect(invited.body.contains("new.editor@example.org"))

            let invitee = owner.newVisitor()
            let invitation = try await invitee.get(link)
            #expect(invitation.status == .ok)
            #expect(invitation.body.contains("Zero Impunity"))
            #expect(invitation.body.contains("as editor"))
            let weak = try await invitee.submit(
                link, action: "\(link)/create-account",
                [("name", "Nadia Editor"), ("password", "short"), ("confirmation", "short")])
            #expect(weak.status == .unprocessableContent)
            #expect(weak.body.contains(#"value="Nadia Editor""#))
            let joined = try await invitee.submit(
                link, action: "\(link)/create-account",
                [
                    ("name", "Nadia Editor"), ("password", "a long editor passphrase"),
                    ("confirmation", "a long editor passphrase"),
                ])
            #expect(joined.status == .seeOther)
            #expect(joined.location == "/org/zero-impunity")
            let seen = try await invitee.get("/org/zero-impunity")
            #expect(seen.status == .ok)
            #expect(seen.body.contains("Nadia Editor"))
            // Editors see the members but not the controls nor the invitations.
            #expect(!seen.body.contains("/invitations\""))
            #expect(!seen.body.contains("new.editor@example.org"))

            // The link is used up, and the address it was sent to is erased from it.
            #expect(try await invitee.newVisitor().get(link).status == .notFound)
            #expect(try await instance.invitation(link: link)?.sealedEmail.isEmpty == true)
            // The new account signs in with its password.
            #expect(
                try await owner.newVisitor().signIn("new.editor@example.org", password: "a long editor passphrase")
                    .status == .seeOther)
        }
        let actions = try await instance.auditActions()
        for action in [AuditAction.organizationCreated, .invitationSent, .accountCreated, .invitationAccepted] {
            #expect(actions.contains(action), "\(action)")
        }
    }

    @Test(
        "an existing account accepts after signing in; another account cannot use the invitation",
        arguments: TestDatabase.all)
    func inviteExistingAccount(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.createAccount("viewer@example.org", name: "Vera Viewer")
        try await instance.createAccount("someone.else@example.org")
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Campaign", slug: "campaign")
            let link = try await owner.invite("viewer@example.org", role: .viewer, to: "campaign")

            let stranger = owner.newVisitor()
            try await stranger.signIn("someone.else@example.org")
            let refused = try await stranger.get(link)
            #expect(refused.body.contains("sent to another address"))
            #expect(try await stranger.submit(link, action: "\(link)/accept").status == .forbidden)
            #expect(try await stranger.get("/org/campaign").status == .notFound)

            let viewer = owner.newVisitor()
            let asked = try await viewer.get(link)
            #expect(asked.body.contains("Sign in"))
            try await viewer.signIn("viewer@example.org", next: link)
            let accepted = try await viewer.submit(link, action: "\(link)/accept")
            #expect(accepted.status == .seeOther)
            #expect(accepted.location == "/org/campaign")
            #expect(try await viewer.get("/org/campaign").body.contains("your role: viewer"))
            // Inviting a member again is refused with a message.
            let again = try await owner.submit(
                "/org/campaign", action: "/org/campaign/invitations",
                [("email", "viewer@example.org"), ("role", "editor")])
            #expect(again.status == .unprocessableContent)
            #expect(again.body.contains("member already"))
            #expect(again.body.contains(#"value="viewer@example.org""#))
        }
    }

    @Test(
        "owners change roles and remove members; the last owner cannot go; invitations can be withdrawn",
        arguments: TestDatabase.all)
    func manageMembers(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let ownerAccount = try await instance.createAccount("owner@example.org")
        let second = try await instance.createAccount("second@example.org")
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Campaign", slug: "campaign")
            let link = try await owner.invite("second@example.org", role: .editor, to: "campaign")
            let member = owner.newVisitor()
            try await member.signIn("second@example.org")
            #expect(try await member.submit(link, action: "\(link)/accept").status == .seeOther)

            let rolePath = "/org/campaign/members/\(second.id.text)/role"
            #expect(try await owner.submit("/org/campaign", action: rolePath, [("role", "owner")]).status == .seeOther)
            #expect(try await member.get("/org/campaign").body.contains("your role: owner"))
            // A role the page never offers, or none at all.
            for fields in [[("role", "admin")], [("role", "")], [("role", "Owner")], []] {
                let unknown = try await owner.submit("/org/campaign", action: rolePath, fields)
                #expect(unknown.status == .badRequest)
                #expect(unknown.body.contains("Please choose a role: viewer, editor or owner."))
            }

            // Two owners: one may step down; then the other is the last and may not.
            let ownerRole = "/org/campaign/members/\(ownerAccount.id.text)/role"
            #expect(
                try await member.submit("/org/campaign", action: ownerRole, [("role", "viewer")]).status == .seeOther)
            let lastOwner = try await member.submit(
                "/org/campaign", action: "/org/campaign/members/\(second.id.text)/remove")
            #expect(lastOwner.status == .conflict)
            #expect(lastOwner.body.contains("last owner"))
            // The refusal leads back to where it came from, not only to the home page.
            #expect(
                lastOwner.body.contains(
                    #"<a href="/org/campaign"><span class="back-arrow" aria-hidden="true">←</span> Back to the organization</a>"#
                ))
            #expect(
                try await member.submit(
                    "/org/campaign", action: "/org/campaign/members/\(second.id.text)/role", [("role", "editor")]
                ).status == .conflict)

            // The former owner, now a viewer, may no longer manage.
            #expect(
                try await owner.submit("/org/campaign", action: rolePath, [("role", "viewer")]).status == .forbidden)
            // Removing asks first, naming whom and what follows; only the confirmed form removes.
            let removal = "/org/campaign/members/\(ownerAccount.id.text)/remove"
            let asked = try await member.submit("/org/campaign", action: removal)
            #expect(asked.status == .ok)
            #expect(asked.body.contains("Remove \(ownerAccount.name) from"))
            #expect(asked.body.contains("will lose access to the organization and its petitions"))
            #expect(try await owner.get("/org/campaign").status == .ok)
            let removed = try await member.submit("/org/campaign", action: removal, [("confirmed", "yes")])
            #expect(removed.status == .seeOther)
            #expect(try await owner.get("/org/campaign").status == .notFound)

            // A withdrawn invitation no longer opens.
            let pending = try await member.invite("late@example.org", role: .viewer, to: "campaign")
            let page = try await member.get("/org/campaign")
            let revoke = try #require(
                page.body.firstMatch(of: /action="(\/org\/campaign\/invitations\/[0-9a-f-]+\/revoke)"/)?.output.1)
            #expect(try await member.submit("/org/campaign", action: String(revoke)).status == .seeOther)
            #expect(try await member.newVisitor().get(pending).status == .notFound)
            #expect(try await instance.invitation(link: pending)?.sealedEmail.isEmpty == false)
            // Until the next sign-in clears out what is no longer of use.
            try await owner.newVisitor().signIn("second@example.org")
            #expect(try await instance.invitation(link: pending)?.sealedEmail.isEmpty == true)
        }
        let actions = try await instance.auditActions()
        for action in [AuditAction.memberRoleChanged, .memberRemoved, .invitationRevoked] {
            #expect(actions.contains(action), "\(action)")
        }
    }

    @Test("two owners demoting each other at once leave exactly one owner", arguments: TestDatabase.all)
    func concurrentDemotions(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let first = try await instance.createAccount("first@example.org")
        let second = try await instance.createAccount("second@example.org")
        try await instance.run { browser in
            try await browser.signIn("first@example.org")
            try await browser.createOrganization("Campaign", slug: "campaign")
            let link = try await browser.invite("second@example.org", role: .owner, to: "campaign")
            let other = browser.newVisitor()
            try await other.signIn("second@example.org")
            #expect(try await other.submit(link, action: "\(link)/accept").status == .seeOther)

            let firstForm = try await browser.get("/org/campaign")
            let secondForm = try await other.get("/org/campaign")
            async let demoteSecond = browser.post(
                "/org/campaign/members/\(second.id.text)/role",
                form: [("csrf", firstForm.field("csrf") ?? ""), ("role", "viewer")])
            async let demoteFirst = other.post(
                "/org/campaign/members/\(first.id.text)/role",
                form: [("csrf", secondForm.field("csrf") ?? ""), ("role", "viewer")])
            let statuses = [try await demoteSecond.status, try await demoteFirst.status]
            // The loser is refused as the last owner, or, when it came second, as no longer an owner.
            #expect(statuses.filter { $0 == .seeOther }.count == 1)
            #expect(statuses.allSatisfy { [.seeOther, .conflict, .forbidden].contains($0) })
            let page = try await browser.get("/org/campaign")
            let owners = page.body.components(separatedBy: "<td>owner</td>").count - 1
            #expect(owners == 1)
        }
    }

    @Test(
        "bad organization names and addresses get clear messages, and what was typed stays",
        arguments: [TestDatabase.sqlite])
    func badInput(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            let empty = try await owner.createOrganization("", slug: "")
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("give the organization a name"))
            let badSlug = try await owner.createOrganization("Good Name", slug: "-Bad slug!")
            #expect(badSlug.status == .unprocessableContent)
            #expect(badSlug.body.contains(#"value="Good Name""#))
            #expect(try await owner.createOrganization("Good Name", slug: "new").status == .unprocessableContent)
            #expect(try await owner.createOrganization("Good Name", slug: "good").status == .seeOther)
            let taken = try await owner.createOrganization("Other", slug: "good")
            #expect(taken.status == .unprocessableContent)
            #expect(taken.body.contains("Another organization has this address"))
            #expect(
                try await owner.submit("/org/good", action: "/org/good/members/not-an-id/role", [("role", "viewer")])
                    .status == .notFound)
            let malformed = try await owner.post("/org/new", body: "csrf=%ZZ&name=x")
            #expect(malformed.status == .badRequest)
        }
    }
}
