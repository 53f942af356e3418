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
        case methodNotAllowed

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
            case .methodNotAllowed: "405"
            }
        }
    }

    /// A route of the table, with the values a request to it carries.
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var path: String
        /// The declared route, `{name}` for each parameter.
        var pattern: String
        var form: @Sendable (Actor) -> [(String, String)]
        /// Who gets the allowed outcome; the others get what their standing gives.
        var allowed: Set<Actor>
        var allowedOutcome: Outcome
        /// Whether an outsider to the organization is answered as if it did not exist.
        var organizationRoute: Bool
        /// What the allowed actors after the first get, when the first one's request changed
        /// the state (a petition submitted once cannot be submitted again).
        var repeatedOutcome: Outcome?
        /// Sent as an upload form, whose token the forged-token test cannot place.
        var isUpload: Bool
        /// Public pages (reporting a petition) need no session.
        var signInRequired: Bool

        init(
            _ route: some RouteGroup, query: KeyValuePairs<String, String?> = [:], method: HTTPRequest.Method,
            form: @escaping @Sendable (Actor) -> [(String, String)] = { _ in [] }, allowed: Set<Actor>,
            allowedOutcome: Outcome, organizationRoute: Bool = true, repeatedOutcome: Outcome? = nil,
            isUpload: Bool = false, signInRequired: Bool = true
        ) {
            self.method = method
            path = route.path(query: query)
            pattern = route.pattern
            self.form = form
            self.allowed = allowed
            self.allowedOutcome = allowedOutcome
            self.organizationRoute = organizationRoute
            self.repeatedOutcome = repeatedOutcome
            self.isUpload = isUpload
            self.signInRequired = signInRequired
        }

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
        let (acme, seed) = ("acme", TestInstance.seedSlug)
        func unknown() -> String { UUID().uuidString.lowercased() }
        return [
            Route(
                AccountRoute.account, method: .get, allowed: Actor.signedIn, allowedOutcome: .page,
                organizationRoute: false),
            Route(
                OrganizationRoute.newOrganization, method: .get, allowed: Actor.signedIn, allowedOutcome: .page,
                organizationRoute: false),
            Route(
                OrganizationRoute.newOrganization, method: .post,
                form: { [("name", "Org of \($0)"), ("slug", "org-of-\($0)")] },
                allowed: Actor.signedIn,
                allowedOutcome: .redirected, organizationRoute: false),
            Route(OrganizationRoute.organization(slug: acme), method: .get, allowed: members, allowedOutcome: .page),
            Route(OrganizationRoute.audit(organization: acme), method: .get, allowed: owners, allowedOutcome: .page),
            Route(
                OrganizationRoute.activity(organization: acme), method: .get, allowed: members, allowedOutcome: .page),
            // Each member chooses their own emails; an admin who is not a member has none to choose.
            Route(
                OrganizationRoute.notices(organization: acme), method: .post, form: { _ in [("notices", "all")] },
                allowed: [.viewer, .editor, .owner], allowedOutcome: .redirected),
            Route(
                OrganizationRoute.invite(organization: acme), method: .post,
                form: { [("email", "invitee.\($0)@example.org"), ("role", "viewer")] }, allowed: owners,
                allowedOutcome: .redirected),
            Route(
                OrganizationRoute.revokeInvitation(organization: acme, invitation: unknown()), method: .post,
                allowed: owners, allowedOutcome: .missingInside("accepted or withdrawn already")),
            Route(
                OrganizationRoute.changeRole(organization: acme, member: viewerID.text), method: .post,
                form: { _ in [("role", "viewer")] }, allowed: owners, allowedOutcome: .redirected),
            Route(
                OrganizationRoute.removeMember(organization: acme, member: unknown()), method: .post, allowed: owners,
                allowedOutcome: .missingInside("not a member of the organization")),
            Route(
                OrganizationRoute.setKey(organization: acme), method: .post,
                form: { _ in [("key", OrganizationPrivateKey().publicKey.text)] }, allowed: owners,
                allowedOutcome: .redirected),
            Route(
                OrganizationRoute.removeKey(organization: acme), method: .post, allowed: owners,
                allowedOutcome: .redirected),
            Route(
                OrganizationRoute.createPartnerKey(organization: acme), method: .post,
                form: { [("label", "Partner of \($0)")] }, allowed: owners, allowedOutcome: .page),
            Route(
                OrganizationRoute.revokePartnerKey(organization: acme, key: unknown()), method: .post,
                allowed: owners, allowedOutcome: .redirected),
            Route(AdminRoute.audit, method: .get, allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(AdminRoute.log, method: .get, allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(AdminRoute.outbox, method: .get, allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(
                AdminRoute.accounts, method: .get, allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(
                AdminRoute.disableAccount(id: bystanderID.text), method: .post, allowed: [.admin],
                allowedOutcome: .redirected, organizationRoute: false),
            Route(
                AdminRoute.enableAccount(id: bystanderID.text), method: .post, allowed: [.admin],
                allowedOutcome: .redirected, organizationRoute: false),
            Route(
                OrganizerRoute.newPetition(organization: acme), method: .get, allowed: editors, allowedOutcome: .page),
            Route(
                OrganizerRoute.newPetition(organization: acme), method: .post,
                form: { Browser.petitionForm(title: "Petition of \($0)") }, allowed: editors,
                allowedOutcome: .redirected),
            Route(
                OrganizerRoute.petition(organization: acme, petition: petition), method: .get, allowed: members,
                allowedOutcome: .page),
            Route(
                OrganizerRoute.edit(organization: acme, petition: petition), method: .get, allowed: editors,
                allowedOutcome: .page),
            Route(
                OrganizerRoute.edit(organization: acme, petition: petition), method: .post,
                form: { Browser.petitionForm(title: "Edited by \($0)") }, allowed: editors,
                allowedOutcome: .redirected),
            Route(
                OrganizerRoute.submit(organization: acme, petition: petition), method: .post, allowed: editors,
                allowedOutcome: .redirected, repeatedOutcome: .conflict),
            Route(
                OrganizerRoute.withdrawSubmission(organization: acme, petition: petition), method: .post,
                allowed: editors, allowedOutcome: .redirected, repeatedOutcome: .conflict),
            Route(
                OrganizerRoute.close(organization: acme, petition: petition), method: .post, allowed: editors,
                allowedOutcome: .conflict),
            Route(
                OrganizerRoute.amendments(organization: acme, petition: petition), method: .post,
                form: { _ in [("amendment", "A correction.")] }, allowed: editors, allowedOutcome: .conflict),
            Route(
                OrganizerRoute.image(organization: acme, petition: petition), method: .get, allowed: members,
                allowedOutcome: .missingInside("has no picture")),
            Route(
                OrganizerRoute.image(organization: acme, petition: petition), method: .post, allowed: editors,
                allowedOutcome: .badRequest, isUpload: true),
            Route(
                OrganizerRoute.removeImage(organization: acme, petition: petition), method: .post, allowed: editors,
                allowedOutcome: .redirected),
            Route(
                OrganizerRoute.translation(organization: acme, petition: petition), query: ["language": "fr"],
                method: .get, allowed: editors, allowedOutcome: .page),
            Route(
                OrganizerRoute.deliveries(organization: acme, petition: petition), method: .get, allowed: members,
                allowedOutcome: .page),
            Route(
                OrganizerRoute.deliveries(organization: acme, petition: petition), method: .post, allowed: editors,
                allowedOutcome: .badRequest, isUpload: true),
            Route(
                OrganizerRoute.evidence(organization: acme, petition: petition, delivery: unknown()), method: .get,
                allowed: members, allowedOutcome: .missingInside("has no evidence file")),
            // A target's link opens the package, which names signers: owners only, like the package.
            Route(
                OrganizerRoute.targetLinks(organization: acme, petition: petition), method: .post,
                form: { _ in [("target", "1"), ("intent", "create")] }, allowed: owners, allowedOutcome: .conflict),
            Route(
                OrganizerRoute.responses(organization: acme, petition: petition), method: .get, allowed: editors,
                allowedOutcome: .page),
            Route(
                OrganizerRoute.approveResponse(organization: acme, petition: petition, response: unknown()),
                method: .post, allowed: editors, allowedOutcome: .missingInside("no such response")),
            Route(
                OrganizerRoute.rejectResponse(organization: acme, petition: petition, response: unknown()),
                method: .post, allowed: editors, allowedOutcome: .missingInside("no such response")),
            Route(
                OrganizerRoute.translation(organization: acme, petition: petition), method: .post,
                form: {
                    [("language", "fr"), ("title", "Par \($0)"), ("summary", "…"), ("body", "…"), ("intent", "save")]
                }, allowed: editors,
                allowedOutcome: .redirected),
            Route(
                OrganizerRoute.removeTranslation(organization: acme, petition: petition), method: .post,
                form: { _ in [("language", "fr")] }, allowed: editors, allowedOutcome: .redirected),
            // The package names signers: owners only. A draft has none to deliver yet.
            Route(
                OrganizerRoute.package(organization: acme, petition: petition), method: .post, allowed: owners,
                allowedOutcome: .conflict),
            Route(AdminRoute.review, method: .get, allowed: [.admin], allowedOutcome: .page, organizationRoute: false),
            Route(
                AdminRoute.petition(slug: moderated.toApprove), method: .get, allowed: [.admin], allowedOutcome: .page,
                organizationRoute: false),
            Route(
                AdminRoute.image(petition: moderated.toApprove), method: .get, allowed: [.admin],
                allowedOutcome: .missingInside("has no picture"), organizationRoute: false),
            Route(
                AdminRoute.responses(petition: moderated.toApprove), method: .get, allowed: [.admin],
                allowedOutcome: .page, organizationRoute: false),
            Route(
                AdminRoute.approveResponse(petition: moderated.toApprove, response: unknown()), method: .post,
                allowed: [.admin], allowedOutcome: .missingInside("no such response"), organizationRoute: false),
            Route(
                AdminRoute.rejectResponse(petition: moderated.toApprove, response: unknown()), method: .post,
                allowed: [.admin], allowedOutcome: .missingInside("no such response"), organizationRoute: false),
            // Nothing in French waits for review: each decision is refused, and changes nothing.
            Route(
                AdminRoute.approveTranslation(petition: moderated.toApprove, language: "fr"), method: .post,
                allowed: [.admin], allowedOutcome: .conflict, organizationRoute: false),
            Route(
                AdminRoute.rejectTranslation(petition: moderated.toApprove, language: "fr"), method: .post,
                form: { _ in [("reason", "Not faithful.")] }, allowed: [.admin], allowedOutcome: .conflict,
                organizationRoute: false),
            Route(
                AdminRoute.approve(petition: moderated.toApprove), method: .post, allowed: [.admin],
                allowedOutcome: .redirected, organizationRoute: false),
            Route(
                AdminRoute.reject(petition: moderated.toReject), method: .post,
                form: { _ in [("reason", "Not ready.")] },
                allowed: [.admin], allowedOutcome: .redirected, organizationRoute: false),
            Route(
                AdminRoute.takeDown(petition: moderated.toTakeDown), method: .post,
                form: { _ in [("reason", "Spam.")] },
                allowed: [.admin], allowedOutcome: .redirected, organizationRoute: false),
            Route(
                AdminRoute.dismissReports(petition: moderated.toTakeDown), method: .post, allowed: [.admin],
                allowedOutcome: .redirected, organizationRoute: false),
            Route(
                PetitionRoute.report(slug: seed), method: .get, allowed: Actor.everyone, allowedOutcome: .page,
                organizationRoute: false, signInRequired: false),
            Route(
                PetitionRoute.report(slug: seed), method: .post, form: { _ in [("reason", "spam")] },
                allowed: Actor.everyone, allowedOutcome: .redirected, organizationRoute: false, signInRequired: false),
            Route(
                PetitionRoute.reportThanks(slug: seed), method: .get, allowed: Actor.everyone, allowedOutcome: .page,
                organizationRoute: false, signInRequired: false),
            Route(
                OrganizerRoute.dashboard(organization: acme, petition: petition), method: .get, allowed: members,
                allowedOutcome: .page),
            Route(
                OrganizerRoute.updates(organization: acme, petition: petition), method: .get, allowed: editors,
                allowedOutcome: .page),
            // A draft has no signers to tell.
            Route(
                OrganizerRoute.updates(organization: acme, petition: petition), method: .post,
                form: { _ in [("subject", "Too soon"), ("body", "Hello."), ("confirmed", "yes")] }, allowed: editors,
                allowedOutcome: .conflict),
            Route(
                OrganizerRoute.updates(organization: acme, petition: openPetitionSlug), method: .post,
                form: { [("subject", "News from the \($0)"), ("body", "Hello."), ("confirmed", "yes")] },
                allowed: editors,
                allowedOutcome: .redirected),
            // The signatures of a petition people could sign: owners only; a draft has none.
            Route(
                OrganizerRoute.signaturesCSV(organization: acme, petition: openPetitionSlug), method: .post,
                allowed: owners, allowedOutcome: .page),
            Route(
                OrganizerRoute.signaturesCSV(organization: acme, petition: petition), method: .post, allowed: owners,
                allowedOutcome: .conflict),
            // A link starts no download, whoever follows it.
            Route(
                OrganizerRoute.signaturesCSV(organization: acme, petition: petition), method: .get,
                allowed: Actor.everyone, allowedOutcome: .methodNotAllowed, organizationRoute: false,
                signInRequired: false),
            // Another organization's petition, asked for under this one's name.
            Route(
                OrganizerRoute.dashboard(organization: acme, petition: otherPetitionSlug), method: .get,
                allowed: members, allowedOutcome: .missingInside("no petition at this address")),
        ]
    }

    @Test("every organizer and admin route of the table is in the table above")
    func everyRouteIsWalked() {
        let walked = Set(
            Self.routes(
                viewerID: UUID(), petition: "draft", bystanderID: UUID(),
                moderated: Moderated(toApprove: "a", toReject: "b", toTakeDown: "c")
            ).map { RouteTable.Entry(method: $0.method, pattern: $0.pattern) })
        let declared =
            RouteTable.entries(OrganizationRoute.self) + RouteTable.entries(OrganizerRoute.self)
            + RouteTable.entries(AdminRoute.self)
        let missing = Set(declared).subtracting(walked).map(\.description).sorted()
        #expect(missing.isEmpty, "not walked: \(missing)")
    }

    @Test(
        "anonymous, outsider, viewer, editor, owner and admin get what their standing allows",
        arguments: TestDatabase.all)
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
            let petition = try await browsers[.owner]!.createPetition(
                in: "acme", Browser.petitionForm(title: "Clean rivers"))
            try await instance.insertPetition(slug: Self.openPetitionSlug, organization: "acme")
            try await instance.insertPetition(slug: Self.otherPetitionSlug, organization: "elsewhere")
            let moderated = try await Self.petitionsToModerate(by: browsers[.owner]!)
            var failures: [String] = []
            for route in Self.routes(
                viewerID: viewer.id, petition: petition, bystanderID: bystander.id, moderated: moderated)
            {
                for actor in Actor.allCases {
                    let visitor = try #require(browsers[actor])
                    let page =
                        route.method == .get
                        ? try await visitor.get(route.path)
                        : try await visitor.submit("/account/reset", action: route.path, route.form(actor))
                    let outcome = Self.outcome(of: page)
                    let expected = route.expected(for: actor)
                    if outcome != expected {
                        failures.append(
                            "\(route.method) \(route.path) as \(actor): expected \(expected), got \(outcome.map(\.description) ?? "\(page.status)")"
                        )
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

    @Test(
        "forged or missing CSRF tokens change nothing on any form, even for an owner or an admin",
        arguments: TestDatabase.all)
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
            for route in Self.routes(
                viewerID: viewer.id, petition: petition, bystanderID: bystander.id, moderated: moderated)
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
                    route.path, form: [("csrf", form.field("csrf") ?? "")] + route.form(.owner),
                    headers: [.origin: "https://evil.example"])
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
        let expected: [AuditAction] =
            [.accountCreated, .accountCreated, .accountCreated, .accountCreated, .organizationCreated]
            + Array(repeating: .petitionCreated, count: 4) + Array(repeating: .petitionSubmitted, count: 3)
        #expect(
            try await instance.auditActions().sorted { $0.rawValue < $1.rawValue }
                == expected.sorted { $0.rawValue < $1.rawValue })
    }

    @Test("the rules: admins may do everything, members as their role allows, others nothing")
    func rules() {
        let member = Account(
            name: "m", emailFingerprint: [], sealedEmail: [], passwordHash: "", isAdmin: false, createdAt: Date())
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
        #expect(Authorization.check(member, .manageTargetLinks, role: .editor) == .forbidden)
        #expect(Authorization.check(member, .manageTargetLinks, role: .owner) == .allowed)
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
            let link = try await owner.invite(
                "\(actor)@example.org", role: OrganizationRole(rawValue: actor.rawValue)!, to: "acme")
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
        case .methodNotAllowed: return .methodNotAllowed
        case .notFound:
            if page.body.contains("no organization at this address") { return .hidden }
            for text in [
                "accepted or withdrawn already", "not a member of the organization", "has no evidence file",
                "no petition at this address", "no such response", "has no picture",
            ]
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
                store: store,
                secret: try ServerSecret.load(configured: settings.secret, dataDirectory: settings.dataDirectory),
                sealer: PersonalDataSealer(keys: keys), settings: settings)
            found = try await accounts.account(email: email)
        }
        return found
    }
}
