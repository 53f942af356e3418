import Foundation
import HTTPTypes
import SQLKit
import Testing

@testable import Undersigned

/// An organization's team hears of what happens to its petitions, as each member chose,
/// and finds it all again on the organization's activity page.
@Suite("Organizers' notices and the organization's activity")
struct NotificationTests {
    /// The team of `acme`, each signed in in a browser of their own, and a moderator.
    struct Team {
        var owner: Browser
        var editor: Browser
        var viewer: Browser
        var admin: Browser
        var outsider: Browser

        var mailbox: Mailbox { owner.mailbox }
    }

    static let members = ["owner@example.org", "editor@example.org", "viewer@example.org"]

    @Test(
        "approval, rejection and take-down reach the owner and the editor who submitted, not a viewer until they ask; a member who says none hears nothing",
        arguments: TestDatabase.all)
    func moderatorsDecisions(database: TestDatabase) async throws {
        let instance = try await Self.teamInstance(database)
        try await instance.run { browser in
            let team = try await Self.team(browser)
            let rivers = try await Self.submit("Clean rivers", by: team.editor)
            #expect(try await team.admin.moderate(rivers, "approve").status == .seeOther)
            for member in ["owner@example.org", "editor@example.org"] {
                let told = try await Self.waitForMessage(
                    to: member, subject: "Your petition is open: Clean rivers", team.mailbox)
                #expect(told.raw.contains("http://undersigned.test/p/\(rivers)"))
                #expect(told.raw.contains("Choose your emails"))
            }
            try await team.owner.waitUntilNewsIsSent()
            #expect(Self.messages(to: "viewer@example.org", subject: "Your petition is open", team.mailbox).isEmpty)

            // The account page offers the choice, the role's default selected.
            let account = try await team.viewer.get("/account")
            #expect(account.body.contains(#"action="/org/acme/notices""#))
            #expect(
                account.body.contains(#"<option value="submitted" selected>Petitions I submitted (default)</option>"#))
            // The viewer asks for everything, the owner for nothing.
            let chosen = try await Self.choose("all", team.viewer)
            #expect(chosen.status == .seeOther)
            #expect(chosen.location == "/account?done=notices#emails-acme")
            #expect(
                try await team.viewer.get(try #require(chosen.location)).body.contains(
                    "Your choice of emails is saved."))
            #expect(
                try await team.viewer.get("/account").body.contains(
                    #"<option value="all" selected>Every petition</option>"#))
            #expect(try await Self.choose("none", team.owner).status == .seeOther)

            let streets = try await Self.submit("Quiet streets", by: team.editor)
            let reason = "Please name the council you address."
            #expect(try await team.admin.moderate(streets, "reject", reason: reason).status == .seeOther)
            #expect(
                try await team.admin.moderate(rivers, "take-down", reason: "A copy of another campaign.").status
                    == .seeOther)
            for member in ["editor@example.org", "viewer@example.org"] {
                let rejected = try await Self.waitForMessage(
                    to: member, subject: "Your petition needs changes: Quiet streets", team.mailbox)
                #expect(rejected.raw.contains(reason))
                let takenDown = try await Self.waitForMessage(
                    to: member, subject: "Your petition was taken down: Clean rivers", team.mailbox)
                #expect(takenDown.raw.contains("A copy of another campaign."))
            }

            // The editor says none too: the next approval reaches the viewer alone.
            #expect(try await Self.choose("none", team.editor).status == .seeOther)
            let parks = try await Self.submit("Green parks", by: team.editor)
            #expect(try await team.admin.moderate(parks, "approve").status == .seeOther)
            _ = try await Self.waitForMessage(
                to: "viewer@example.org", subject: "Your petition is open: Green parks", team.mailbox)
            try await team.owner.waitUntilNewsIsSent()
            for member in ["owner@example.org", "editor@example.org"] {
                let told = Self.messages(to: member, subject: "", team.mailbox).map(\.subject)
                #expect(!told.contains { $0.contains("Green parks") }, "\(member)")
            }
            #expect(
                !Self.messages(to: "owner@example.org", subject: "", team.mailbox).contains {
                    $0.subject.contains("Quiet streets")
                })
            #expect(
                !Self.messages(to: "owner@example.org", subject: "", team.mailbox).contains {
                    $0.subject.contains("taken down")
                })
        }
        let changes = try await instance.auditEvents().filter { $0.event.action == .memberNoticesChanged }
        #expect(changes.count == 3)
        #expect(changes.map(\.event.details).contains("notices: submitted (default) → all"))
        #expect(changes.map(\.event.details).contains("notices: all (default) → none"))
        #expect(changes.allSatisfy { $0.organizationSlug == "acme" })
    }

    @Test(
        "a response awaiting approval, the goal reached once however far past it, a delivery: each told, each on the activity page with the petition's title",
        arguments: TestDatabase.all)
    func responseGoalDelivery(database: TestDatabase) async throws {
        let instance = try await Self.teamInstance(database)
        try await instance.run { browser in
            let team = try await Self.team(browser)
            let slug = try await Self.submit("Safe schools", by: team.editor, goal: 3)
            #expect(try await team.admin.moderate(slug, "approve").status == .seeOther)
            let manage = "/org/acme/petitions/\(slug)"
            instance.clock.advance(by: 60)

            // A target answers through its private link.
            let link = try await ResponseReviewTests.targetLink(team.owner, slug: slug, target: 1)
            let target = browser.newVisitor()
            let form = try await target.get(link)
            #expect(
                try await target.post(
                    "\(link)/response", form: [("csrf", form.field("csrf") ?? ""), ("response", "We will look.")]
                ).status == .seeOther)
            for member in ["owner@example.org", "editor@example.org"] {
                let told = try await Self.waitForMessage(
                    to: member, subject: "A response from Security Council awaits your approval", team.mailbox)
                #expect(told.raw.contains("http://undersigned.test\(manage)/responses"))
            }

            instance.clock.advance(by: 60)

            // Five confirmations at once cross the goal of 3 (in one batch or more): told once.
            // Two more tell nothing.
            let links = try await Self.signers(5, on: slug, browser)
            try await Self.confirmAtOnce(links, browser)
            #expect(try await browser.apiCount(slug: slug) == 5)
            for member in ["owner@example.org", "editor@example.org"] {
                let told = try await Self.waitForMessage(
                    to: member, subject: "Goal reached: Safe schools", team.mailbox)
                #expect(told.raw.contains("has reached its goal of 3 signatures"))
            }
            try await Self.confirmAtOnce(try await Self.signers(2, on: slug, browser, from: 5), browser)
            #expect(try await browser.apiCount(slug: slug) == 7)

            instance.clock.advance(by: 60)

            // A delivery, recorded by the editor.
            let deliveries = "\(manage)/deliveries"
            let page = try await team.editor.get(deliveries)
            #expect(
                try await team.editor.upload(
                    deliveries,
                    fields: [
                        ("csrf", page.field("csrf") ?? ""), ("target", "2"), ("channel", "email"), ("by", "Edi"),
                        ("date", "2026-11-20"),
                    ], file: nil
                ).status == .seeOther)
            for member in ["owner@example.org", "editor@example.org"] {
                let told = try await Self.waitForMessage(
                    to: member, subject: "Delivered to António Guterres: Safe schools", team.mailbox)
                #expect(told.raw.contains("carrying 7 signatures"))
            }
            try await team.owner.waitUntilNewsIsSent()
            for member in Self.members {
                #expect(
                    Self.messages(to: member, subject: "Goal reached", team.mailbox).count
                        == (member.hasPrefix("viewer") ? 0 : 1))
            }
            #expect(
                !Self.messages(to: "viewer@example.org", subject: "", team.mailbox).contains {
                    $0.subject.contains("Safe schools") || $0.subject.contains("awaits your approval")
                })

            // The organization's page links the activity, which every member reads, newest first.
            let organization = try await team.viewer.get("/org/acme")
            #expect(organization.body.contains(#"<a href="/org/acme/activity">"#))
            let activity = try await team.viewer.get("/org/acme/activity")
            #expect(activity.status == .ok)
            let lines = [
                "Delivered to António Guterres, by email, on 20 November 2026.",
                "Reached its goal of 3 signatures (",
                "Security Council responded through their private link: the response awaits approval.",
                "Approved by a moderator: open for signatures.",
            ]
            let positions = lines.map { activity.body.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil }, "\(activity.body)")
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "newest first")
            #expect(
                activity.body.components(separatedBy: #"<a href="\#(manage)" lang="en" dir="ltr">Safe schools</a>"#)
                    .count == 5)
            #expect(activity.body.contains("You are emailed these events for the petitions you submitted for review"))
            // The viewer may not review responses: no link to where they are reviewed. The editor has one.
            #expect(!activity.body.contains("\(manage)/responses"))
            let editors = try await team.editor.get("/org/acme/activity").body
            #expect(editors.contains(#"<a href="\#(manage)/responses">Review the response</a>"#))
            #expect(editors.contains(#"<a href="\#(manage)/deliveries">See its deliveries</a>"#))
            #expect(editors.contains(#"<a href="\#(manage)/dashboard">See its figures</a>"#))
        }
        let goals = try await instance.auditEvents().filter { $0.event.action == .goalReached }
        #expect(goals.count == 1)
        #expect(goals.first?.event.details.hasPrefix("goal 3, count ") == true)
        #expect(goals.first?.organizationSlug == "acme")
    }

    @Test(
        "confirmations crossing the goal at two instances at once tell it once; withdrawing and coming back does not tell it again",
        arguments: TestDatabase.all.filter { $0 == .postgres })
    func goalAcrossInstances(database: TestDatabase) async throws {
        let instance = try await Self.teamInstance(database)
        let other = instance.sibling()
        try await instance.run { first in
            let team = try await Self.team(first)
            let slug = try await Self.submit("Open libraries", by: team.editor, goal: 6)
            #expect(try await team.admin.moderate(slug, "approve").status == .seeOther)
            let links = try await Self.signers(12, on: slug, first)
            try await other.run { second in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, link) in links.enumerated() {
                        let browser = index.isMultiple(of: 2) ? first.newVisitor() : second.newVisitor()
                        group.addTask {
                            let confirmed = try await browser.confirm(link)
                            #expect(confirmed.status == .seeOther)
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Each instance re-reads the other's confirmations within a second or so.
            try await Self.waitForCount(12, slug: slug, first)
            _ = try await Self.waitForMessage(
                to: "owner@example.org", subject: "Goal reached: Open libraries", team.mailbox)
            // Down under the goal and back over it: the goal was told already.
            for index in 0..<7 {
                let email = "signer\(index)@example.org"
                _ = try await first.mailbox.waitForMessages(to: email, count: 2)
                try await first.withdraw(email: email)
            }
            #expect(try await first.apiCount(slug: slug) == 5)
            try await Self.confirmAtOnce(try await Self.signers(3, on: slug, first, from: 12), first)
            #expect(try await first.apiCount(slug: slug) == 8)
            try await first.waitUntilNewsIsSent()
            for member in ["owner@example.org", "editor@example.org"] {
                #expect(Self.messages(to: member, subject: "Goal reached", team.mailbox).count == 1, "\(member)")
            }
        }
        #expect(try await instance.auditEvents().filter { $0.event.action == .goalReached }.count == 1)
    }

    @Test(
        "a paper batch that crosses the goal tells it too; a goal raised later is news again when reached",
        arguments: TestDatabase.all)
    func goalByPaperAndRaisedGoal(database: TestDatabase) async throws {
        let instance = try await Self.teamInstance(database)
        let slug = try await instance.run { browser in
            let team = try await Self.team(browser)
            let slug = try await Self.submit("Clean air", by: team.editor, goal: 2)
            #expect(try await team.admin.moderate(slug, "approve").status == .seeOther)
            return slug
        }
        // Three signatures on paper, recorded through the writer's batch form.
        _ = try await instance.withStore { store in
            let petition = try #require(try await store.petition(slug: slug))
            let writer = SignatureWriter(
                store: store, petitions: { try await store.petition(id: $0) },
                mailer: try await Self.signerMail(instance, store: store),
                receipts: ReceiptCodes(key: try instance.secret().key(for: .receipt)),
                counts: SignatureCounts(store: store), logger: TestDatabase.logger,
                notices: try await Self.notices(instance, store: store), clock: instance.clock.wallClock)
            let now = instance.clock.wallClock.now
            let stored = try await writer.record(
                (0..<3).map { index in
                    NewSignature(
                        petitionID: petition.id, emailFingerprint: Array("paper-\(index)".utf8), country: "FR",
                        showNamePublicly: false, wantsUpdates: false, source: .paper, sealedPersonalData: [1],
                        createdAt: now, confirmedAt: now)
                })
            #expect(stored.count == 3)
            return true
        }
        try await instance.run { browser in
            let editor = browser.newVisitor()
            try await editor.signIn("editor@example.org")
            _ = try await Self.waitForMessage(
                to: "editor@example.org", subject: "Goal reached: Clean air", browser.mailbox)
            // The goal raised to 4: the fourth signature reaches it, and that is told.
            let edit = "/org/acme/petitions/\(slug)/edit"
            let form = try await editor.get(edit)
            #expect(form.status == .ok)
            let saved = try await editor.post(
                edit,
                form: [("csrf", form.field("csrf") ?? "")]
                    + Browser.petitionForm(title: "Clean air", goal: 4))
            #expect(saved.status == .seeOther, "\(saved.body)")
            #expect(try await instance.petition(slug: slug)?.goal == 4)
            try await browser.newVisitor().signAndConfirm(email: "fourth@example.org", on: slug)
            try await browser.waitUntilNewsIsSent()
            let told = browser.mailbox.messages(to: "editor@example.org").filter {
                $0.subject == "Goal reached: Clean air"
            }
            #expect(told.count == 2)
            #expect(told.contains { $0.raw.contains("has reached its goal of 4 signatures") })
        }
        let goals = try await instance.auditEvents().filter { $0.event.action == .goalReached }.map(\.event.details)
        #expect(goals.sorted() == ["goal 2, count 3", "goal 4, count 4"])
    }

    @Test("the activity page and the choice of emails: who may read and choose", arguments: TestDatabase.all)
    func access(database: TestDatabase) async throws {
        let instance = try await Self.teamInstance(database)
        try await instance.run { browser in
            let team = try await Self.team(browser)
            let anonymous = browser.newVisitor()
            let toSignIn = try await anonymous.get("/org/acme/activity")
            #expect(toSignIn.status == .seeOther)
            #expect(toSignIn.location?.hasPrefix("/account/sign-in") == true)
            #expect(try await team.outsider.get("/org/acme/activity").status == .notFound)
            for member in [team.viewer, team.editor, team.owner, team.admin] {
                let page = try await member.get("/org/acme/activity")
                #expect(page.status == .ok)
                #expect(page.body.contains("Nothing yet."))
            }
            #expect(
                try await team.admin.get("/org/acme/activity").body.contains(
                    "You are not a member of Acme: you are emailed none of this."))

            // Only members choose, each for themselves, with a form of this site and a choice there is.
            #expect(try await Self.choose("all", team.outsider).status == .notFound)
            #expect(try await Self.choose("all", team.admin).status == .forbidden)
            #expect(try await Self.choose("everything", team.viewer).status == .badRequest)
            #expect(try await Self.choose("", team.viewer).status == .badRequest)
            let forged = try await team.viewer.post(
                "/org/acme/notices", form: [("csrf", "forged"), ("notices", "all")])
            #expect(forged.status == .forbidden)
            let toSignInAgain = try await anonymous.post("/org/acme/notices", form: [("notices", "all")])
            #expect(toSignInAgain.status == .seeOther || toSignInAgain.status == .forbidden)
            #expect(
                try await team.viewer.get("/account").body.contains(
                    #"<option value="submitted" selected>Petitions I submitted (default)</option>"#))
            // Choosing the same twice writes one audit event.
            #expect(try await Self.choose("all", team.viewer).status == .seeOther)
            #expect(try await Self.choose("all", team.viewer).status == .seeOther)
        }
        #expect(try await instance.auditActions().filter { $0 == .memberNoticesChanged }.count == 1)
    }

    @Test("the rule of who is told, and of a goal newly reached")
    func rules() {
        for role in OrganizationRole.allCases {
            #expect(!OrganizerNotices.tells(role: role, choice: NoticeChoice.none, submittedIt: true))
            #expect(OrganizerNotices.tells(role: role, choice: .all, submittedIt: false))
            #expect(OrganizerNotices.tells(role: role, choice: .submitted, submittedIt: true))
            #expect(!OrganizerNotices.tells(role: role, choice: .submitted, submittedIt: false))
            #expect(OrganizerNotices.tells(role: role, choice: nil, submittedIt: true))
        }
        #expect(OrganizerNotices.tells(role: .owner, choice: nil, submittedIt: false))
        #expect(!OrganizerNotices.tells(role: .editor, choice: nil, submittedIt: false))
        #expect(!OrganizerNotices.tells(role: .viewer, choice: nil, submittedIt: false))
        func standing(count: Int, goal: Int, told: Int) -> Goal.Standing {
            Goal.Standing(petitionID: UUID(), organizationID: nil, count: count, goal: goal, toldReached: told)
        }
        #expect(!standing(count: 499, goal: 500, told: 0).reachesNewGoal)
        #expect(standing(count: 500, goal: 500, told: 0).reachesNewGoal)
        #expect(standing(count: 5_000, goal: 500, told: 0).reachesNewGoal)
        #expect(!standing(count: 501, goal: 500, told: 500).reachesNewGoal)
        #expect(standing(count: 1_000, goal: 1_000, told: 500).reachesNewGoal)
        #expect(!standing(count: 600, goal: 400, told: 500).reachesNewGoal)
        #expect(OrganizationActivity.goalAndCount(inDetails: "goal 3, count 5")! == (3, 5))
        #expect(OrganizationActivity.goalAndCount(inDetails: "goal 99999999999999999999, count 5") == nil)
        #expect(OrganizationActivity.reason(inDetails: "pending_review → draft; reason: Not yet.") == "Not yet.")
        #expect(OrganizationActivity.reason(inDetails: "fr") == nil)
    }

    @Test(
        "migration 20: petitions past their goal count as told, members have made no choice yet",
        arguments: TestDatabase.all)
    func migration(database: TestDatabase) async throws {
        try await database.withEmptyStore { store in
            try await store.migrate(before: 20)
            try await store.driver.transaction { db in
                for (slug, count) in [("past", 700), ("short", 20)] {
                    try await db.raw(
                        """
                        INSERT INTO petitions (id, slug, state, language, title, summary, body_markdown, organizer, goal, signature_count, created_at)
                        VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: slug), 'open', 'en', 'T', 'S', 'B', 'O', 500, \(bind: count), 0)
                        """
                    ).run()
                }
            }
            try await store.migrate()
            #expect(try await store.appliedMigrations().contains(20))
            try await store.driver.transaction { db in
                for (slug, told) in [("past", 500), ("short", 0)] {
                    let row = try #require(
                        try await db.raw("SELECT goal_reached FROM petitions WHERE slug = \(bind: slug)").first())
                    #expect(try row.decode(column: "goal_reached", as: Int.self) == told, "\(slug)")
                }
            }
        }
    }

    // MARK: Helpers

    /// An instance with an admin, the members-to-be of `acme` and someone outside it.
    static func teamInstance(_ database: TestDatabase) async throws -> TestInstance {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        for email in members + ["outsider@example.org"] {
            try await instance.createAccount(email)
        }
        return instance
    }

    /// The owner makes `acme` and brings in the editor and the viewer; the outsider has an
    /// organization of its own.
    static func team(_ browser: Browser) async throws -> Team {
        var signedIn: [String: Browser] = [:]
        for name in ["owner", "editor", "viewer", "admin", "outsider"] {
            let visitor = browser.newVisitor()
            #expect(try await visitor.signIn("\(name)@example.org").status == .seeOther)
            signedIn[name] = visitor
        }
        let team = Team(
            owner: try #require(signedIn["owner"]), editor: try #require(signedIn["editor"]),
            viewer: try #require(signedIn["viewer"]), admin: try #require(signedIn["admin"]),
            outsider: try #require(signedIn["outsider"]))
        #expect(try await team.owner.createOrganization("Acme", slug: "acme").status == .seeOther)
        for (member, role) in [(team.editor, OrganizationRole.editor), (team.viewer, .viewer)] {
            let link = try await team.owner.invite("\(role.rawValue)@example.org", role: role, to: "acme")
            #expect(try await member.submit(link, action: "\(link)/accept").status == .seeOther)
        }
        #expect(try await team.outsider.createOrganization("Elsewhere", slug: "elsewhere").status == .seeOther)
        return team
    }

    /// A petition of `acme` written and submitted by `member`; returns its slug.
    static func submit(_ title: String, by member: Browser, goal: Int = 500) async throws -> String {
        let slug = try await member.createPetition(in: "acme", Browser.petitionForm(title: title, goal: goal))
        #expect(try await member.press("submit", petition: slug, in: "acme").status == .seeOther)
        return slug
    }

    /// Chooses the member's emails from their account page.
    @discardableResult
    static func choose(_ choice: String, _ member: Browser) async throws -> Browser.Page {
        try await member.submit("/account", action: "/org/acme/notices", [("notices", choice)])
    }

    /// `count` people sign the petition (`signer{n}@example.org`, from `first`); returns their
    /// confirmation links.
    static func signers(_ count: Int, on slug: String, _ browser: Browser, from first: Int = 0) async throws
        -> [String]
    {
        var links: [String] = []
        for index in first..<(first + count) {
            let email = "signer\(index)@example.org"
            #expect(try await browser.newVisitor().sign(email: email, slug: slug).status == .seeOther)
            links.append(try #require(try await browser.mailbox.waitForMessages(to: email).first?.confirmationPath))
        }
        return links
    }

    /// Confirms every link at once, each from a browser of its own.
    static func confirmAtOnce(_ links: [String], _ browser: Browser) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for link in links {
                let signer = browser.newVisitor()
                group.addTask {
                    let confirmed = try await signer.confirm(link)
                    #expect(confirmed.status == .seeOther)
                }
            }
            try await group.waitForAll()
        }
    }

    /// Waits until the count the API reports is `count`.
    static func waitForCount(_ count: Int, slug: String, _ browser: Browser) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await browser.apiCount(slug: slug) == count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the count did not reach \(count)")
    }

    static func messages(to address: String, subject: String, _ mailbox: Mailbox) -> [Mailbox.Message] {
        mailbox.messages(to: address).filter { subject.isEmpty || $0.subject.hasPrefix(subject) }
    }

    /// Waits for the first email to `address` whose subject starts with `subject`.
    static func waitForMessage(to address: String, subject: String, _ mailbox: Mailbox) async throws
        -> Mailbox.Message
    {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let found = messages(to: address, subject: subject, mailbox).first { return found }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no email \u{201C}\(subject)\u{201D} to \(address)")
        throw Mailbox.MailboxTimeout()
    }

    static func signerMail(_ instance: TestInstance, store: any Database) async throws -> SignerMail {
        let secret = try instance.secret()
        return SignerMail(
            baseURL: instance.settings.baseURL,
            confirmationLinks: LinkTokens(key: secret.key(for: .confirmationLink)),
            withdrawalLinks: LinkTokens(key: secret.key(for: .withdrawalLink)),
            receipts: ReceiptCodes(key: secret.key(for: .receipt)),
            unsubscribeLinks: LinkTokens(key: secret.key(for: .unsubscribeLink)),
            sealer: try await instance.sealer(for: store), clock: instance.clock.wallClock)
    }

    static func notices(_ instance: TestInstance, store: any Database) async throws -> OrganizerNotices {
        let sealer = try await instance.sealer(for: store)
        return OrganizerNotices(
            accounts: Accounts(
                store: store, secret: try instance.secret(), sealer: sealer, settings: instance.settings),
            activity: store,
            mail: AccountMail(baseURL: instance.settings.baseURL, sealer: sealer, clock: instance.clock.wallClock))
    }
}
