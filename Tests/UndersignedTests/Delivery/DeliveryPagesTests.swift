import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Organizers record deliveries with evidence and hand targets their private links, from the
/// petition's pages.
@Suite("Deliveries from the organizers' pages")
struct DeliveryPagesTests {
    static let pdf = Array("%PDF-1.4\n% receipt of the Secretariat\n".utf8)

    @Test(
        "record deliveries with evidence, make and revoke targets' links; the last delivery makes the petition delivered",
        arguments: TestDatabase.all)
    func deliveries(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.newVisitor().signAndConfirm(email: "signer@example.org", slug: slug)
            let path = "/org/acme/petitions/\(slug)/deliveries"
            let manage = try await browser.get("/org/acme/petitions/\(slug)")
            #expect(manage.body.contains(path))
            #expect(manage.body.contains(#"action="/org/acme/petitions/\#(slug)/package""#))
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            #expect(page.body.contains("Not delivered yet."))
            let csrf = try #require(page.field("csrf"))

            // Bad input is refused with the reason, and nothing is recorded.
            let wrongType = try await browser.upload(
                path, fields: [("csrf", csrf), ("target", "1"), ("channel", "email"), ("by", "Amal")],
                file: ("evidence", "receipt.exe", "application/octet-stream", Self.pdf))
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.body.contains("evidence must be one of"))
            let incomplete = try await browser.upload(
                path,
                fields: [("csrf", csrf), ("target", "9"), ("channel", "pigeon"), ("by", ""), ("date", "2999-01-01")],
                file: nil)
            #expect(incomplete.status == .unprocessableContent)
            for message in ["Please choose the target", "Please choose how", "Please say who", "not in the future"] {
                #expect(incomplete.body.contains(message), "\(message)")
            }
            let huge = try await browser.upload(
                path, fields: [("csrf", csrf), ("target", "1"), ("channel", "email"), ("by", "Amal")],
                file: ("evidence", "big.pdf", "application/pdf", [UInt8](repeating: 0x41, count: 11 * 1024 * 1024)))
            #expect(huge.status == .contentTooLarge)
            let forged = try await browser.upload(
                path, fields: [("csrf", "forged"), ("target", "1"), ("channel", "email"), ("by", "Amal")], file: nil)
            #expect(forged.status == .forbidden)
            #expect(try await browser.get(path).body.contains("Not delivered yet."))

            let recorded = try await browser.upload(
                path,
                fields: [
                    ("csrf", csrf), ("target", "1"), ("channel", "in-person"), ("by", "Amal Haddad"),
                    ("notes", "Received by the front desk"),
                    ("date", "2026-11-20"),
                ],
                file: ("evidence", "receipt.pdf", "application/pdf", Self.pdf))
            #expect(recorded.status == .seeOther)
            let listed = try await browser.get(path)
            #expect(listed.body.contains("In person"))
            #expect(listed.body.contains("Received by the front desk"))
            #expect(listed.body.contains("20 November 2026"))
            #expect(listed.body.contains(#"1 <span class="fine">(log size 1)</span>"#))
            let evidencePath = try #require(listed.body.firstMatch(of: #/href="([^"]+/evidence)"/#)?.1)
            let evidence = try await browser.get(String(evidencePath))
            #expect(evidence.status == .ok)
            #expect(Array(evidence.bytes) == Self.pdf)
            #expect(evidence.headers[.contentType] == "application/pdf")
            #expect(evidence.headers[.contentDisposition] == "attachment; filename=\"receipt.pdf\"")
            #expect(try await browser.newVisitor().get(String(evidencePath)).status == .seeOther)

            // A target's link is shown once, opens its page, and stops when revoked.
            let made = try await browser.submit(
                path, action: "/org/acme/petitions/\(slug)/target-links", [("target", "2"), ("intent", "create")])
            #expect(made.status == .ok)
            #expect(made.headers[.cacheControl] == "no-store")
            let link = try #require(made.body.firstMatch(of: #/http://undersigned\.test(/t/[A-Za-z0-9_-]{43})/#)?.1)
            let target = browser.newVisitor()
            #expect(try await target.get(String(link)).status == .ok)
            let revoked = try await browser.submit(
                path, action: "/org/acme/petitions/\(slug)/target-links",
                [("target", "2"), ("intent", "revoke"), ("confirmed", "yes")])
            #expect(revoked.status == .seeOther)
            #expect(try await target.get(String(link)).status == .notFound)

            #expect(try await instance.petition(slug: slug)?.state == .open)
            let last = try await browser.upload(
                path, fields: [("csrf", csrf), ("target", "2"), ("channel", "email"), ("by", "Campaign team")],
                file: nil)
            #expect(last.status == .seeOther)
            #expect(try await instance.petition(slug: slug)?.state == .delivered)
            #expect(try await browser.newVisitor().get("/p/\(slug)").body.contains("has been delivered"))
        }
        // The petition was delivered when its last delivery was recorded, as its pages say.
        let delivered = try #require(try await instance.petition(slug: slug))
        let lastRecorded = try await instance.withStore {
            try await $0.deliveries(petitionID: delivered.id).map(\.recordedAt).max()
        }
        let changed = try #require(delivered.stateChangedAt)
        #expect(abs(changed.timeIntervalSince(try #require(lastRecorded))) < 0.002)
        let organization = try #require(delivered.organizationID)
        let actions = try await instance.auditActions(organizationID: organization)
        #expect(actions.filter { $0 == .deliveryRecorded }.count == 2)
        #expect(actions.contains(.targetLinkCreated))
        #expect(actions.contains(.targetLinksRevoked))
    }
}
