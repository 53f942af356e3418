import Foundation
import Testing

@testable import Undersigned

/// What keeps a campaign team from acting by accident or reading two different things: the
/// steps that ask before what cannot be undone, one goal everywhere, only the offers that
/// apply in the petition's state, and names rather than ids in the audit log.
@Suite("Organizers' safeguards")
struct OrganizerSafeguardsTests {
    @Test(
        "closing asks first, saying what happens to how many; only the confirmed form closes",
        arguments: TestDatabase.all)
    func closingAsksFirst(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        _ = try await instance.prepareOrganization("rivers", owner: owner, petitions: ["clean-rivers": .open])
        try await instance.run { browser in
            try await browser.newVisitor().signAndConfirm(email: "one@example.org", on: "clean-rivers")
            try await browser.newVisitor().signAndConfirm(email: "two@example.org", on: "clean-rivers")
            try await browser.signIn("owner@example.org")
            let manage = "/org/rivers/petitions/clean-rivers"
            #expect(
                try await browser.get(manage).body.contains(
                    #"<button type="submit" class="danger">Close the petition…"#))

            let asked = try await browser.submit(manage, action: "\(manage)/close")
            #expect(asked.status == .ok)
            #expect(asked.body.contains("Close “A petition called clean-rivers” for good?"))
            #expect(asked.body.contains("its count of 2 confirmed signatures"))
            #expect(asked.body.contains(#"<input type="hidden" name="confirmed" value="yes">"#))
            #expect(try await browser.get(manage).body.contains("<strong>Open.</strong>"))

            let closed = try await browser.post(
                "\(manage)/close", form: [("csrf", asked.field("csrf") ?? ""), ("confirmed", "yes")])
            #expect(closed.status == .seeOther)
            #expect(try await browser.get(manage).body.contains("<strong>Closed.</strong>"))
            // Nothing left to close: asking again is refused, not confirmed.
            #expect(try await browser.submit(manage, action: "\(manage)/close").status == .conflict)

            // The audit log names the petition, not an id.
            let audit = try await browser.get("/org/rivers/audit")
            #expect(audit.body.contains("petition “A petition called clean-rivers”"))
        }
    }

    @Test(
        "the organizers' page shows the goal and, once reached, the milestone the public sees",
        arguments: TestDatabase.all)
    func oneGoal(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        let petitions = try await instance.prepareOrganization(
            "rivers", owner: owner, petitions: ["clean-rivers": .open])
        let petition = try #require(petitions["clean-rivers"])
        try await instance.withStore { store in
            let content = PetitionContent(
                title: petition.title, summary: petition.summary, bodyMarkdown: petition.bodyMarkdown,
                language: petition.language, goal: 2, targets: petition.targets)
            try await store.petitionTransaction {
                try await $0.update(petitionID: petition.id, content: content, at: Date())
            }
        }
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            let manage = "/org/rivers/petitions/clean-rivers"
            try await browser.newVisitor().signAndConfirm(email: "one@example.org", on: "clean-rivers")
            let before = try await browser.get(manage).body
            #expect(before.contains("Goal: 2 signatures. 1 confirmed signature so far, 50% of the goal."))

            try await browser.newVisitor().signAndConfirm(email: "two@example.org", on: "clean-rivers")
            let after = try await browser.get(manage).body
            #expect(
                after.contains(
                    "Goal: 2 signatures. Reached: 2 confirmed signatures. The public page and the API now show the next milestone, 5 signatures."
                ))
            let page = try await browser.newVisitor().get("/p/clean-rivers?lang=en").body
            #expect(page.contains(#"goal of 2 reached · next goal <span class="goal">5</span>"#))
            let api = try await browser.newVisitor().get("/api/v1/petitions/clean-rivers").body
            #expect(api.contains(#""goal":5"#))
        }
    }

    @Test(
        "a draft offers no export; the last owner cannot be removed or demoted from the page",
        arguments: TestDatabase.all)
    func offersThatApply(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        _ = try await instance.prepareOrganization(
            "rivers", owner: owner, petitions: ["a-draft": .draft, "gone": .takenDown, "open-one": .open])
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            let draft = try await browser.get("/org/rivers/petitions/a-draft")
            #expect(draft.status == .ok)
            #expect(!draft.body.contains("Download the confirmed signatures"))
            #expect(!draft.body.contains("Download the delivery package"))
            let open = try await browser.get("/org/rivers/petitions/open-one")
            #expect(open.body.contains("Download the confirmed signatures"))
            for slug in ["a-draft", "gone"] {
                let manage = "/org/rivers/petitions/\(slug)"
                // A taken-down petition's page has no form to take a token from: the organization's has.
                let csv = try await browser.submit("/org/rivers", action: "\(manage)/export.csv")
                #expect(csv.status == .conflict, "\(slug)")
                let package = try await browser.submit("/org/rivers", action: "\(manage)/package")
                #expect(package.status == .conflict, "\(slug)")
            }

            let organization = try await browser.get("/org/rivers").body
            #expect(organization.contains("The only owner: make another member an owner before changing this one."))
            #expect(!organization.contains("/members/\(owner.id.text)/remove"))
            #expect(organization.components(separatedBy: "/package\"").count == 2, "only the open petition's")
        }
    }

    @Test("the editor's preview shows the targets and the goal as the public page will", arguments: TestDatabase.all)
    func previewShowsTargetsAndGoal(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            var form = Browser.petitionForm(title: "Clean rivers", goal: 12_000)
            form = form.map { $0.0 == "intent" ? ("intent", "preview") : $0 }
            let preview = try await browser.submit("/org/acme/petitions/new", action: "/org/acme/petitions/new", form)
            #expect(preview.status == .ok)
            #expect(preview.body.contains("<h4>Addressed to</h4>"))
            #expect(preview.body.contains("<li><strong>António Guterres</strong>, Secretary-General</li>"))
            #expect(preview.body.contains("Goal: 12,000 signatures."))
            #expect(preview.body.contains("No picture yet"))
        }
    }
}
