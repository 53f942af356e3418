import Crypto
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import Undersigned

/// Partner sites submit signatures with an organization's key: made by its owners, shown once,
/// kept hashed, good only for that organization's petitions, revocable, audited.
@Suite("Partner API keys")
struct PartnerKeyTests {
    static func submit(
        _ browser: Browser, slug: String, key: String?, email: String, name: String = "Rami Saleh",
        language: String? = nil
    ) async throws -> Browser.Page {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        let language = language.map { #","language":"\#($0)""# } ?? ""
        let body = #"{"name":"\#(name)","email":"\#(email)","country":"SY","updates":true\#(language)}"#
        return try await browser.send(
            "/api/v1/petitions/\(slug)/signatures", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test(
        "an owner makes a key, seen once; it signs for its own organization's petitions only, through email confirmation; revoked, it stops",
        arguments: TestDatabase.all)
    func lifecycle(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        let editor = try await instance.createAccount("editor@example.org")
        let stranger = try await instance.createAccount("stranger@example.org")
        let ours = try #require(
            try await instance.prepareOrganization("acme", owner: owner, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        try await instance.prepareOrganization("other", owner: stranger, petitions: ["other-cause": .open])
        let organizationID = try #require(ours.organizationID)
        try await instance.withStore { store in
            try await store.accountTransaction { transaction in
                try await transaction.setMembership(
                    organizationID: organizationID, accountID: editor.id, role: .editor, at: Date())
            }
        }
        let secret = try await instance.run { browser in
            // No key, a made-up one: 401 with the scheme to use, and nothing sent.
            let missing = try await Self.submit(browser, slug: "clean-rivers", key: nil, email: "a@example.org")
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == #"Bearer realm="undersigned""#)
            #expect(missing.headers[.contentType] == "application/problem+json")
            let madeUp = try await Self.submit(
                browser, slug: "clean-rivers", key: "usk_" + String(repeating: "A", count: 43), email: "a@example.org")
            #expect(madeUp.status == .unauthorized)

            // An editor cannot make keys, nor see them.
            try await browser.signIn("editor@example.org")
            let editorsView = try await browser.get("/org/acme")
            #expect(!editorsView.body.contains("Partner API keys"))
            let refused = try await browser.post(
                "/org/acme/partner-keys", form: [("csrf", editorsView.field("csrf") ?? ""), ("label", "Partner")])
            #expect(refused.status == .forbidden)

            let ownerBrowser = browser.newVisitor()
            try await ownerBrowser.signIn("owner@example.org")
            let page = try await ownerBrowser.get("/org/acme")
            #expect(page.body.contains("Partner API keys"))
            let made = try await ownerBrowser.post(
                "/org/acme/partner-keys", form: [("csrf", page.field("csrf") ?? ""), ("label", "Syria Solidarity")])
            #expect(made.status == .ok)
            let secret = try #require(made.body.firstMatch(of: /value="(usk_[A-Za-z0-9_-]{43})"/)).1
            let again = try await ownerBrowser.get("/org/acme")
            #expect(again.body.contains("Syria Solidarity"))
            #expect(!again.body.contains(String(secret)))
            #expect(again.body.contains("never"))
            return String(secret)
        }
        // Only its hash is kept.
        let stored = try #require(
            try await instance.withStore { try await $0.partnerKeys(organizationID: organizationID) }.first)
        #expect(stored.secretHash == Array(SHA256.hash(data: Array(secret.dropFirst(4).utf8))))
        #expect(secret.hasPrefix(stored.hint))

        try await instance.run { browser in
            // Another organization's petition: refused, nothing stored or sent.
            let elsewhere = try await Self.submit(browser, slug: "other-cause", key: secret, email: "b@example.org")
            #expect(elsewhere.status == .forbidden)
            #expect(try await browser.apiCount(slug: "other-cause") == 0)

            // Its own: accepted, and the signer confirms from the email, in the language sent.
            let invalid = try await Self.submit(browser, slug: "clean-rivers", key: secret, email: "not an address")
            #expect(invalid.status == .unprocessableContent)
            let accepted = try await Self.submit(
                browser, slug: "clean-rivers", key: secret, email: "rami@example.org", language: "ar")
            #expect(accepted.status == .accepted)
            #expect(accepted.body.contains("confirmation-sent"))
            #expect(!accepted.body.contains("rami"))
            #expect(try await browser.apiCount(slug: "clean-rivers") == 0)
            let email = try #require(try await browser.mailbox.waitForMessages(to: "rami@example.org").first)
            #expect(email.raw.contains("Content-Language: ar"))
            try await browser.confirm(try #require(email.confirmationPath))
            #expect(try await browser.apiCount(slug: "clean-rivers") == 1)
            // The same address again: the same answer, and still one signature.
            let twice = try await Self.submit(browser, slug: "clean-rivers", key: secret, email: "rami@example.org")
            #expect(twice.status == .accepted)
            #expect(browser.mailbox.messages().filter { $0.to == "b@example.org" }.isEmpty)

            let ownerBrowser = browser.newVisitor()
            try await ownerBrowser.signIn("owner@example.org")
            let page = try await ownerBrowser.get("/org/acme")
            #expect(!page.body.contains("<td>never</td>"))
            let revoke = try #require(page.body.firstMatch(of: /action="(\/org\/acme\/partner-keys\/[^"]+\/revoke)"/)).1
            let revoked = try await ownerBrowser.post(String(revoke), form: [("csrf", page.field("csrf") ?? "")])
            #expect(revoked.status == .seeOther)
            let after = try await Self.submit(browser, slug: "clean-rivers", key: secret, email: "c@example.org")
            #expect(after.status == .unauthorized)
        }
        let actions = try await instance.auditActions(organizationID: ours.organizationID)
        #expect(actions.contains(.partnerKeyCreated))
        #expect(actions.contains(.partnerKeyRevoked))
    }

    @Test("the Authorization header is read strictly")
    func bearer() {
        #expect(PartnerSigningController<AppRequestContext>.bearer("Bearer usk_abc") == "usk_abc")
        #expect(PartnerSigningController<AppRequestContext>.bearer("bearer  usk_abc ") == "usk_abc")
        #expect(PartnerSigningController<AppRequestContext>.bearer("Basic dXNlcg==") == nil)
        #expect(PartnerSigningController<AppRequestContext>.bearer(String(repeating: "x", count: 300)) == nil)
        #expect(PartnerKey.hash(of: "usk_short") == nil)
        #expect(PartnerKey.hash(of: String(repeating: "A", count: 47)) == nil)
    }
}
