import Foundation
import Testing

@testable import Undersigned

@Suite("An organization's public key for delivery packages")
struct OrganizationKeyTests {
    @Test(
        "owners set, replace and remove the key on the organization's page, each change audited; others cannot",
        arguments: TestDatabase.all)
    func setReplaceRemove(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org", name: "Olfa Owner")
        try await instance.createAccount("editor@example.org")
        let first = OrganizationPrivateKey()
        let second = OrganizationPrivateKey()
        try await instance.run { owner in
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Acme", slug: "acme")
            let editor = owner.newVisitor()
            try await editor.signIn("editor@example.org")
            let link = try await owner.invite("editor@example.org", role: .editor, to: "acme")
            #expect(try await editor.submit(link, action: "\(link)/accept").status == .seeOther)

            let empty = try await owner.get("/org/acme")
            #expect(empty.body.contains("No key is set"))
            #expect(empty.body.contains(#"action="/org/acme/key""#))

            // A bad paste comes back with its reason and what was typed; nothing is stored.
            let typo = "undersigned-x25519:" + String(first.publicKey.text.dropFirst(19).dropLast(2)) + "="
            let refused = try await Self.setKey(typo, browser: owner)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("the base64 of 32 bytes"))
            #expect(refused.body.contains(#"value="\#(typo)""#))
            #expect(refused.body.contains("No key is set"))
            #expect(
                try await Self.setKey("ssh-ed25519 AAAAC3Nza", browser: owner).body.contains(
                    "A key starts with undersigned-x25519:"))

            let saved = try await Self.setKey(first.publicKey.text + "\n", browser: owner)
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/org/acme?done=key#package-key")
            let page = try await owner.get(try #require(saved.location))
            #expect(
                page.body.contains(
                    "encrypted to the key of fingerprint <strong>\(first.publicKey.fingerprint)</strong>"))
            #expect(page.body.contains(first.publicKey.text))
            #expect(page.body.contains("Remove the key"))

            // An editor sees which key packages go to, but cannot change it.
            let seen = try await editor.get("/org/acme")
            #expect(seen.body.contains(first.publicKey.fingerprint))
            #expect(!seen.body.contains(#"action="/org/acme/key""#))
            #expect(try await Self.setKey(second.publicKey.text, browser: editor).status == .forbidden)
            #expect(try await editor.submit("/org/acme", action: "/org/acme/key/remove").status == .forbidden)
            #expect(try await owner.get("/org/acme").body.contains(first.publicKey.fingerprint))

            #expect(try await Self.setKey(second.publicKey.text, browser: owner).status == .seeOther)
            #expect(try await owner.get("/org/acme").body.contains(second.publicKey.fingerprint))
            // Saving the same key again changes nothing and records nothing.
            #expect(try await Self.setKey(second.publicKey.text, browser: owner).status == .seeOther)

            let removed = try await owner.submit("/org/acme", action: "/org/acme/key/remove")
            #expect(removed.location == "/org/acme?done=key-removed#package-key")
            #expect(try await owner.get("/org/acme").body.contains("No key is set"))

            let log = try await owner.get("/org/acme/audit").body
            #expect(log.contains("organization.key-set"))
            #expect(log.contains("fingerprint: \(first.publicKey.fingerprint)"))
            #expect(
                log.contains("fingerprint: \(second.publicKey.fingerprint), replacing \(first.publicKey.fingerprint)"))
            #expect(log.contains("organization.key-removed"))
        }
        // The test's clock stands still, so count rather than order.
        let actions = try await instance.auditActions()
        #expect(actions.filter { $0 == .organizationKeySet }.count == 2)
        #expect(actions.filter { $0 == .organizationKeyRemoved }.count == 1)
    }

    static func setKey(_ text: String, browser: Browser) async throws -> Browser.Page {
        try await browser.submit("/org/acme", action: "/org/acme/key", [("key", text)])
    }
}
