import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Every organizer and admin route, walked through HTTP by everyone who might ask.
@Suite("Authorization on every route")
struct AuthorizationTests {
    enum Actor: String, CaseIterable, CustomStringConvertible {
        case anonymous, outsider, viewer, editor, owner, admin
        var description: String { rawValue }
        static let signedIn: Set<Actor> = [.outsider, .viewer, .editor, .owner, .admin]
        static let everyone = Set(Actor.allCases)
    }

    /// What a request should come to.
    enum Outcome: Equatable, CustomStringConvertible {
        case page
        case redirected
        case toSignIn
        /// 404 as if the organization did not exist.
        case hidden
        case forbidden
        /// Let through, then a 404 about the thing asked for (the organization is known).
        case missingInside(String)
        /// Let through, then refused because of the state of what was asked for.
        case conflict
        /// Let through, then refused because the body is not what the route reads.
        case badRequest

        var description: String {
            switch self {
            case .page: "200"
            case .redirected: "303"
            case .toSignIn: "303 to sign in"
            case .hidden: "404 no organization"
            case .forbidden: "403"
            case .missingInside(let text): "404 \(text)"
            case .conflict: "409"
            case .badRequest: "400"
            }
        }
    }

    struct Route: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var form: @Sendable (Actor) -> [(String, String)] = { _ in [] }
        /// Who gets the allowed outcome; the others get what their standing gives.
        var allowed: Set<Actor>
        var allowedOutcome: Outcome
        /// Whether an outsider to the organization is answered as if it did not exist.
        var organizationRoute = true
        /// What the allowed actors after the first get, when the first one's request changed
        /// the state (a petition submitted once cannot be submitted again).
        var repeatedOutcome: Outcome?
        /// Sent as an upload form, whose token the forged-token test cannot place.
        var isUpload = false
        /// Public pages (reporting a petition) need no session.
        var signInRequired = true

        func expected(for actor: Actor) -> Outcome {
            if actor == .anonymous, signInRequired { return .toSignIn }
            if allowed.contains(actor) {
                let first = Actor.allCases.first { allowed.contains($0) }
                return actor == first ? allowedOutcome : repeatedOutcome ?? allowedOutcome
            }
            if organizationRoute, actor == .outsider { return .hidden }
            return .forbidden
        }
    }

    /// An open petition of `acme`'s, and one of the outsider's organization.
    static let openPetitionSlug = "open-petition"
    static let otherPetitionSlug = "elsewhere-petition"

    /// Petitions of `acme` waiting for review, one for each decision, so that each applies once.
    struct Moderated: Sendable {
        var toApprove: String
        var toReject: String
        var toTakeDown: String
    }

    /// - Parameters:
    ///   - petition: the slug of a draft of `acme`'s.
    ///   - bystanderID: an account none of the actors uses, for admins to disable and enable.
    ///   - moderated: petitions for the moderators' routes.
    static func routes(viewerID: UUID, petition: String, bystanderID: UUID, moderated: Moderated) -> [Route] {
        let members: Set<Actor> = [.viewer, .editor, .owner, .admin]
        let editors: Set<Actor> = [.editor, .owner, .admin]
        let owners: Set<Actor> = [.owner, .admin]
        let petitionPath = "/org/acme/petitions/\(petition)"
        let seed = TestInstance.seedPath
        return [
            Route(method: .get, path: "/account", allowed: Actor.signedIn, allowedOutcome: .page, organizationRoute: false),
            Route(method: .get, path: "/org/new", allowed: Actor.signedIn, allowedOutcome: .page, organizationRoute: false),
            Route(
                method: .post, path: "/org/new", form: { [("name", "Org of \($0)"), ("slug", "org-of-\($0)")] }, allowed: Actor.signedIn,
                allowedOutcome: .redirected, organizationRoute: false),
            Route(method: .get, path: "/org/acme", allowed: members, allowedOutcome: .page),
            Route(method: .get, path: "/org/acme/audit", allowed: owners, allowedOutcome: .page),
            Route(
                method: .post, path: "/org/acme/invitations", form: { [("email", "invitee.\($0)@example.org"), ("role", "viewer")] }, allowed: owners,
                allowedOutcome: .redirected),
            Route(
                method: .post, path: "/org/acme/invitations/\(UUID().uuidString.lowercased())/revoke", allowed: owners,
                allowedOutcome: .missingInside("accepted or withdrawn already")),
            Route(method: .post, path: "/org/acme/members/\(viewerID.text)/role", form: { _ in [("role", "viewer")] }, allowed: owners, allowedOutcome: .redirected),
            Route(
                method: .post, path: "/org/acme/members/\(UUID().uuidString.lowercased())/remove", allowed: owners,
                allowedOutcome: .missingInside("not a member of the organization")),
            Route(
                method: .post, path: "/org/acme/key", form: { _ in [("key", OrganizationPrivateKey().publicKey.text)] }, allowed: owners,
                allowedOutcome: .redirected),
            Route(method: .post, path: "/org/acme/key/remove", allowed: owners, allowedOutcome: .redirected),
            Route(method: .get, path: "/admin/audit", allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(method: .get, path: "/admin/log", allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(method: .get, path: "/admin/outbox", allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(method: .get, path: "/admin/accounts", allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(
                method: .post, path: "/admin/accounts/\(bystanderID.text)/disable", allowed: [.admin], allowedOutcome: .redirected, organizationRoute: false),
            Route(
                method: .post, path: "/admin/accounts/\(bystanderID.text)/enable", allowed: [.admin], allowedOutcome: .redirected, organizationRoute: false),
            Route(method: .get, path: "/org/acme/petitions/new", allowed: editors, allowedOutcome: .page),
            Route(
                method: .post, path: "/org/acme/petitions/new", form: { Browser.petitionForm(title: "Petition of \($0)") }, allowed: editors,
                allowedOutcome: .redirected),
            Route(method: .get, path: petitionPath, allowed: members, allowedOutcome: .page),
            Route(method: .get, path: "\(petitionPath)/edit", allowed: editors, allowedOutcome: .page),
            Route(
                method: .post, path: "\(petitionPath)/edit", form: { Browser.petitionForm(title: "Edited by \($0)") }, allowed: editors,
                allowedOutcome: .redirected),
            Route(method: .post, path: "\(petitionPath)/submit", allowed: editors, allowedOutcome: .redirected, repeatedOutcome: .conflict),
            Route(method: .post, path: "\(petitionPath)/withdraw-submission", allowed: editors, allowedOutcome: .redirected, repeatedOutcome: .conflict),
            Route(method: .post, path: "\(petitionPath)/close", allowed: editors, allowedOutcome: .conflict),
            Route(method: .post, path: "\(petitionPath)/amendments", form: { _ in [("amendment", "A correction.")] }, allowed: editors, allowedOutcome: .conflict),
            Route(method: .post, path: "\(petitionPath)/image", allowed: editors, allowedOutcome: .badRequest, isUpload: true),
            Route(method: .post, path: "\(petitionPath)/image/remove", allowed: editors, allowedOutcome: .redirected),
            Route(method: .get, path: "\(petitionPath)/translation?language=fr", allowed: editors, allowedOutcome: .page),
            Route(method: .get, path: "\(petitionPath)/deliveries", allowed: members, allowedOutcome: .page),
            Route(method: .post, path: "\(petitionPath)/deliveries", allowed: editors, allowedOutcome: .badRequest, isUpload: true),
            Route(
                method: .get, path: "\(petitionPath)/deliveries/\(UUID().uuidString.lowercased())/evidence", allowed: members,
                allowedOutcome: .missingInside("has no evidence file")),
            Route(
                method: .post, path: "\(petitionPath)/target-links", form: { _ in [("target", "1"), ("intent", "create")] }, allowed: editors,
                allowedOutcome: .conflict),
            Route(
                method: .post, path: "\(petitionPath)/translation",
                form: { [("language", "fr"), ("title", "Par \($0)"), ("summary", "…"), ("body", "…"), ("intent", "save")] }, allowed: editors,
                allowedOutcome: .redirected),
            Route(method: .post, path: "\(petitionPath)/translation/remove", form: { _ in [("language", "fr")] }, allowed: editors, allowedOutcome: .redirected),
            // The package names signers: owners only. A draft has none to deliver yet.
            Route(method: .post, path: "\(petitionPath)/package", allowed: owners, allowedOutcome: .conflict),
            Route(method: .get, path: "/admin/review", allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(method: .get, path: "/admin/petitions/\(moderated.toApprove)", allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(
                method: .post, path: "/admin/petitions/\(moderated.toApprove)/approve", allowed: [.admin], allowedOutcome: .redirected,
                organizationRoute: false),
            Route(
                method: .post, path: "/admin/petitions/\(moderated.toReject)/reject", form: { _ in [("reason", "Not ready.")] }, allowed: [.admin],
                allowedOutcome: .redirected, organizationRoute: false),
            Route(
                method: .post, path: "/admin/petitions/\(moderated.toTakeDown)/take-down", form: { _ in [("reason", "Spam.")] }, allowed: [.admin],
                allowedOutcome: .redirected, organizationRoute: false),
            Route(
                method: .post, path: "/admin/petitions/\(moderated.toTakeDown)/dismiss-reports", allowed: [.admin], allowedOutcome: .redirected,
                organizationRoute: false),
            Route(method: .get, path: "\(seed)/report", allowed: Actor.everyone, allowedOutcome: .page, organizationRoute: false, signInRequired: false),
            Route(
                method: .post, path: "\(seed)/report", form: { _ in [("reason", "spam")] }, allowed: Actor.everyone, allowedOutcome: .redirected,
                organizationRoute: false, signInRequired: false),
            Route(
                method: .get, path: "\(seed)/report/thanks", allowed: Actor.everyone, allowedOutcome: .page, organizationRoute: false,
                signInRequired: false),
            Route(method: .get, path: "\(petitionPath)/dashboard", allowed: members, allowedOutcome: .page),
            Route(method: .get, path: "\(petitionPath)/updates", allowed: editors, allowedOutcome: .page),
            // A draft has no signers to tell.
            Route(method: .post, path: "\(petitionPath)/updates", form: { _ in [("subject", "Too soon"), ("body", "Hello.")] }, allowed: editors, allowedOutcome: .conflict),
            Route(
                method: .post, path: "/org/acme/petitions/\(openPetitionSlug)/updates", form: { [("subject", "News from the \($0)"), ("body", "Hello.")] },
                allowed: editors, allowedOutcome: .redirected),
            Route(method: .get, path: "\(petitionPath)/export.csv", allowed: owners, allowedOutcome: .page),
            // Another organization's petition, asked for under this one's name.
            Route(
                method: .get, path: "/org/acme/petitions/\(otherPetitionSlug)/dashboard", allowed: members,
                allowedOutcome: .missingInside("no petition at this address")),
        ]
    }

    @Test("anonymous, outsider, viewer, editor, owner and admin get what their standing allows", arguments: TestDatabase.all)
    func table(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        for actor in [Actor.outsider, .viewer, .editor, .owner] {
            try await instance.createAccount("\(actor)@example.org")
        }
        let viewer = try #require(try await instance.account("viewer@example.org"))
        let bystander = try await instance.createAccount("bystander@example.org")
        try await instance.run { browser in
            let browsers = try await Self.signedInBrowsers(browser)
            try await Self.join(browsers)
            let petition = try await browsers[.owner]!.createPetition(in: "acme", Browser.petitionForm(title: "Clean rivers"))
            try await instance.insertPetition(slug: Self.openPetitionSlug, organization: "acme")
            try await instance.insertPetition(slug: Self.otherPetitionSlug, organization: "elsewhere")
            let moderated = try await Self.petitionsToModerate(by: browsers[.owner]!)
            var failures: [String] = []
            for route in Self.routes(viewerID: viewer.id, petition: petition, bystanderID: bystander.id, moderated: moderated) {
                for actor in Actor.allCases {
                    let visitor = try #require(browsers[actor])
                    let page =
                        route.method == .get
                        ? try await visitor.get(route.path)
                        : try await visitor.submit("/account/reset", action: route.path, route.form(actor))
                    let outcome = Self.outcome(of: page)
                    let expected = route.expected(for: actor)
                    if outcome != expected {
                        failures.append("\(route.method) \(route.path) as \(actor): expected \(expected), got \(outcome.map(\.description) ?? "\(page.status)")")
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")

            // API clients without a session get 401 problem details, never a page.
            let api = try await browser.newVisitor().get("/org/acme", headers: [.accept: "application/json"])
            #expect(api.status == .unauthorized)
            #expect(api.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("forged or missing CSRF tokens change nothing on any form, even for an owner or an admin", arguments: TestDatabase.all)
    func forgedTokens(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.createAccount("admin@example.org", admin: true)
        let viewer = try await instance.createAccount("viewer@example.org")
        let bystander = try await instance.createAccount("bystander@example.org")
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let petition = try await browser.createPetition(in: "acme", Browser.petitionForm(title: "Clean rivers"))
            try await instance.insertPetition(slug: Self.openPetitionSlug, organization: "acme")
            let moderated = try await Self.petitionsToModerate(by: browser)
            let admin = browser.newVisitor()
            try await admin.signIn("admin@example.org")
            for route in Self.routes(viewerID: viewer.id, petition: petition, bystanderID: bystander.id, moderated: moderated)
            where route.method == .post && !route.isUpload {
                // Each as someone the route would let through.
                let visitor = route.allowed.contains(.owner) ? browser : admin
                for token in ["forged", ""] {
                    let page = try await visitor.post(route.path, form: [("csrf", token)] + route.form(.owner))
                    #expect(page.status == .forbidden, "\(route.path)")
                }
                // A token of this site, sent from another site, is refused too.
                let form = try await visitor.get("/account")
                let crossSite = try await visitor.post(
                    route.path, form: [("csrf", form.field("csrf") ?? "")] + route.form(.owner), headers: [.origin: "https://evil.example"])
                #expect(crossSite.status == .forbidden, "\(route.path)")
            }
            let page = try await browser.get("/org/acme")
            #expect(!page.body.contains("invitee.owner@example.org"))
            #expect(!(try await browser.get("/p/\(Self.openPetitionSlug)").body.contains("News from the owner")))
            #expect(try await browser.get("/org/org-of-owner").status == .notFound)
            #expect(try await instance.petition(slug: petition)?.title == "Clean rivers")
            for slug in [moderated.toApprove, moderated.toReject, moderated.toTakeDown] {
                #expect(try await instance.petition(slug: slug)?.state == .pendingReview)
            }
            #expect(try await instance.openReports().isEmpty)
        }
        let expected: [AuditAction] = [.accountCreated, .accountCreated, .accountCreated, .accountCreated, .organizationCreated]
            + Array(repeating: .petitionCreated, count: 4) + Array(repeating: .petitionSubmitted, count: 3)
        #expect(try await instance.auditActions().sorted { $0.rawValue < $1.rawValue } == expected.sorted { $0.rawValue < $1.rawValue })
    }

    @Test("the rules: admins may do everything, members as their role allows, others nothing")
    func rules() {
        let member = Account(name: "m", emailFingerprint: [], sealedEmail: [], passwordHash: "", isAdmin: false, createdAt: Date())
        var admin = member
        admin.isAdmin = true
        for permission in Permission.allCases {
            #expect(Authorization.check(admin, permission, role: nil) == .allowed)
        }
        #expect(Authorization.check(member, .viewOrganization, role: nil) == .hidden)
        #expect(Authorization.check(member, .viewInstanceAuditLog, role: .owner) == .forbidden)
        #expect(Authorization.check(member, .viewOrganization, role: .viewer) == .allowed)
        #expect(Authorization.check(member, .editPetitions, role: .viewer) == .forbidden)
        #expect(Authorization.check(member, .editPetitions, role: .editor) == .allowed)
        #expect(Authorization.check(member, .manageMembers, role: .editor) == .forbidden)
        #expect(Authorization.check(member, .manageMembers, role: .owner) == .allowed)
        #expect(Authorization.check(member, .viewAuditLog, role: .editor) == .forbidden)
        #expect(Authorization.check(member, .viewAuditLog, role: .owner) == .allowed)
        #expect(Authorization.check(member, .manageOrganizationKey, role: .editor) == .forbidden)
        #expect(Authorization.check(member, .manageOrganizationKey, role: .owner) == .allowed)
    }

    // MARK: Helpers

    static func signedInBrowsers(_ browser: Browser) async throws -> [Actor: Browser] {
        var browsers: [Actor: Browser] = [.anonymous: browser.newVisitor()]
        for actor in Actor.signedIn {
            let visitor = browser.newVisitor()
            #expect(try await visitor.signIn("\(actor)@example.org").status == .seeOther)
            browsers[actor] = visitor
        }
        // Every form's token is bound to the visitor's own cookie: give the anonymous one a cookie too.
        _ = try await browsers[.anonymous]!.get("/account/reset")
        return browsers
    }

    /// The owner makes `acme` and brings in the viewer and editor; the outsider has an organization of its own.
    static func join(_ browsers: [Actor: Browser]) async throws {
        let owner = browsers[.owner]!
        #expect(try await owner.createOrganization("Acme", slug: "acme").status == .seeOther)
        for actor in [Actor.viewer, .editor] {
            let link = try await owner.invite("\(actor)@example.org", role: OrganizationRole(rawValue: actor.rawValue)!, to: "acme")
            #expect(try await browsers[actor]!.submit(link, action: "\(link)/accept").status == .seeOther)
        }
        #expect(try await browsers[.outsider]!.createOrganization("Elsewhere", slug: "elsewhere").status == .seeOther)
    }

    /// Three petitions of `acme` waiting for review, written and submitted by its owner.
    static func petitionsToModerate(by owner: Browser) async throws -> Moderated {
        var slugs: [String] = []
        for title in ["To approve", "To reject", "To take down"] {
            let slug = try await owner.createPetition(in: "acme", Browser.petitionForm(title: title))
            #expect(try await owner.press("submit", petition: slug, in: "acme").status == .seeOther)
            slugs.append(slug)
        }
        return Moderated(toApprove: slugs[0], toReject: slugs[1], toTakeDown: slugs[2])
    }

    static func outcome(of page: Browser.Page) -> Outcome? {
        switch page.status {
        case .ok: return .page
        case .seeOther: return page.location?.hasPrefix("/account/sign-in") == true ? .toSignIn : .redirected
        case .forbidden: return .forbidden
        case .conflict: return .conflict
        case .badRequest: return .badRequest
        case .notFound:
            if page.body.contains("no organization at this address") { return .hidden }
            for text in ["accepted or withdrawn already", "not a member of the organization", "has no evidence file", "no petition at this address"]
            where page.body.contains(text) {
                return .missingInside(text)
            }
            return nil
        default: return nil
        }
    }
}

extension TestInstance {
    func account(_ email: String) async throws -> Account? {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var found: Account?
        try await withServices(of: store) {
            let masterKeys = try settings.loadMasterKeys()
            let keys = DataKeyRing(store: store, masterKeys: masterKeys, reloadMasterKeys: { masterKeys })
            let accounts = Accounts(
                store: store, secret: try ServerSecret.load(configured: settings.secret, dataDirectory: settings.dataDirectory),
                sealer: PersonalDataSealer(keys: keys), settings: settings.accounts)
            found = try await accounts.account(email: email)
        }
        return found
    }
}
