import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Undersigned

/// The route table is the one place paths are spelled: the router serves exactly what it
/// declares, and a link built from it reaches its route, whatever values it carries.
@Suite("The route table")
struct RouteTableTests {
    @Test("the router serves every declared route, and nothing undeclared", arguments: TestDatabase.all)
    func routerServesTheTable(database: TestDatabase) async throws {
        let served = try await Self.served(on: try await TestInstance(database))
        let declared = RouteTable.all
        #expect(Set(declared).count == declared.count, "a route is declared twice")
        let undeclared = served.subtracting(declared).map(\.description).sorted()
        let unserved = Set(declared).subtracting(served).map(\.description).sorted()
        #expect(undeclared.isEmpty, "served but not declared: \(undeclared)")
        #expect(unserved.isEmpty, "declared but not served: \(unserved)")
    }

    @Test(
        "a link built for each route reaches it, with real values on a real instance, as anything but a 404",
        arguments: TestDatabase.all)
    func linksReachTheirRoutes(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        let bystander = try await instance.createAccount("bystander@example.org")
        let owner = try #require(try await instance.account("owner@example.org"))
        let served = try await Self.served(on: instance)
        let links = try await instance.run { browser in
            let links = Self.links(
                try await Self.realValues(
                    browser, instance: instance, petition: slug, ownerID: owner.id, bystanderID: bystander.id))
            let admin = browser.newVisitor()
            #expect(try await admin.signIn("admin@example.org").status == .seeOther)
            var failures: [String] = []
            for link in links {
                for method in link.methods {
                    // Without a form token, a form changes nothing: it is refused once its route is found.
                    let page =
                        method == .get
                        ? try await admin.get(link.path) : try await admin.post(link.path, form: [("csrf", "")])
                    if page.status == .notFound { failures.append("\(method) \(link.path): 404") }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            return links
        }
        #expect(Set(links.flatMap(\.entries)) == Set(RouteTable.all), "a declared route has no link here")
        try await Self.expectEachReachesItsRoute(links, among: served)
    }

    @Test("values that could end a segment, start a query or climb the path stay inside their parameter")
    func hostileValues() async throws {
        let served = try await Self.served(on: try await TestInstance(.sqlite))
        for value in ["a/b", "../..", "..", ".", "", "?next=//evil", "#top", "%2F", "a b", "é", "\u{0}", "\r\nX: y"] {
            let links = Self.links(Values(everything: value))
            for link in links {
                #expect(link.path.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }, "\(link.path)")
            }
            try await Self.expectEachReachesItsRoute(links, among: served)
        }
        #expect(PetitionRoute.page(slug: "a/b?c#d").path == "/p/a%2Fb%3Fc%23d")
        #expect(OrganizerRoute.petition(organization: "..", petition: "").path == "/org/%2E%2E%2E/petitions/%2E%2E%2E")
        #expect(
            AccountRoute.signIn.path(query: ["next": "/org/a b&c=d"], fragment: "x y")
                == "/account/sign-in?next=/org/a%20b%26c%3Dd#x%20y")
        #expect(
            TargetRoute.page(token: "abc").url(on: URL(string: "https://sign.example.org")!)
                == "https://sign.example.org/t/abc")
    }

    // MARK: Links

    /// What a link names: real things on an instance, or one value everywhere.
    struct Values {
        var petition: String
        var organization: String
        var invitation: String
        var member: String
        var delivery: String
        var response: String
        var account: String
        var language: String
        var staticFile: String
        var receiptCode: String
        var confirmToken: String
        var withdrawToken: String
        var unsubscribeToken: String
        var resetToken: String
        var invitationToken: String
        var targetToken: String

        init(everything value: String) {
            self.init(
                petition: value, organization: value, invitation: value, member: value,
                delivery: value, response: value, account: value, language: value, staticFile: value,
                receiptCode: value, confirmToken: value, withdrawToken: value, unsubscribeToken: value,
                resetToken: value, invitationToken: value, targetToken: value)
        }

        init(
            petition: String, organization: String, invitation: String, member: String,
            delivery: String, response: String, account: String, language: String, staticFile: String,
            receiptCode: String, confirmToken: String, withdrawToken: String, unsubscribeToken: String,
            resetToken: String, invitationToken: String, targetToken: String
        ) {
            self.petition = petition
            self.organization = organization
            self.invitation = invitation
            self.member = member
            self.delivery = delivery
            self.response = response
            self.account = account
            self.language = language
            self.staticFile = staticFile
            self.receiptCode = receiptCode
            self.confirmToken = confirmToken
            self.withdrawToken = withdrawToken
            self.unsubscribeToken = unsubscribeToken
            self.resetToken = resetToken
            self.invitationToken = invitationToken
            self.targetToken = targetToken
        }
    }

    /// A link as the site builds it, and the route it is for.
    struct Link: Sendable {
        var path: String
        var methods: [HTTPRequest.Method]
        var pattern: String

        init(_ route: some RouteGroup, query: KeyValuePairs<String, String?> = [:]) {
            path = route.path(query: query)
            methods = route.declaration.methods
            pattern = route.pattern
        }

        var entries: [RouteTable.Entry] { methods.map { RouteTable.Entry(method: $0, pattern: pattern) } }
    }

    /// A link for every route of the table.
    static func links(_ v: Values) -> [Link] {
        let (organization, petition) = (v.organization, v.petition)
        return [
            Link(SiteRoute.home), Link(SiteRoute.health), Link(SiteRoute.readiness), Link(SiteRoute.metrics),
            Link(SiteRoute.staticFile(name: v.staticFile)), Link(SiteRoute.logKey),
            Link(PetitionRoute.page(slug: v.petition)), Link(PetitionRoute.sign(slug: v.petition)),
            Link(PetitionRoute.checkEmail(slug: v.petition)), Link(PetitionRoute.countries(slug: v.petition)),
            Link(PetitionRoute.report(slug: v.petition)), Link(PetitionRoute.reportThanks(slug: v.petition)),
            Link(PetitionRoute.image(slug: v.petition)), Link(PetitionRoute.flyer(slug: v.petition)),
            Link(PetitionRoute.events(slug: v.petition)), Link(PetitionRoute.embed(slug: v.petition)),
            Link(PetitionRoute.embedSign(slug: v.petition)), Link(PetitionRoute.embedCheckEmail(slug: v.petition)),
            Link(PetitionRoute.receipt(slug: v.petition), query: ["code": v.receiptCode]),
            Link(SignerRoute.confirm(token: v.confirmToken)), Link(SignerRoute.withdraw(token: v.withdrawToken)),
            Link(SignerRoute.unsubscribe(token: v.unsubscribeToken)),
            Link(TargetRoute.page(token: v.targetToken)), Link(TargetRoute.package(token: v.targetToken)),
            Link(TargetRoute.respond(token: v.targetToken)),
            Link(APIRoute.petitions), Link(APIRoute.petition(slug: v.petition)),
            Link(APIRoute.countries(slug: v.petition)),
            Link(APIRoute.receipt(slug: v.petition, code: v.receiptCode)), Link(APIRoute.log(slug: v.petition)),
            Link(APIRoute.consistency(slug: v.petition)),
            Link(APIRoute.signatures(slug: v.petition)),
            Link(APIDocumentRoute.openAPI),
            Link(AccountRoute.account), Link(AccountRoute.signIn), Link(AccountRoute.signOut), Link(AccountRoute.reset),
            Link(AccountRoute.newPassword(token: v.resetToken)),
            Link(InvitationRoute.invitation(token: v.invitationToken)),
            Link(InvitationRoute.accept(token: v.invitationToken)),
            Link(InvitationRoute.createAccount(token: v.invitationToken)),
            Link(OrganizationRoute.newOrganization), Link(OrganizationRoute.organization(slug: organization)),
            Link(OrganizationRoute.invite(organization: organization)),
            Link(OrganizationRoute.revokeInvitation(organization: organization, invitation: v.invitation)),
            Link(OrganizationRoute.changeRole(organization: organization, member: v.member)),
            Link(OrganizationRoute.removeMember(organization: organization, member: v.member)),
            Link(OrganizationRoute.setKey(organization: organization)),
            Link(OrganizationRoute.removeKey(organization: organization)),
            Link(OrganizationRoute.createPartnerKey(organization: organization)),
            // Any id: revoking a key the organization does not have changes nothing.
            Link(OrganizationRoute.revokePartnerKey(organization: organization, key: v.invitation)),
            Link(OrganizationRoute.audit(organization: organization)),
            Link(OrganizationRoute.activity(organization: organization)),
            Link(OrganizationRoute.notices(organization: organization)),
            Link(OrganizerRoute.newPetition(organization: organization)),
            Link(OrganizerRoute.petition(organization: organization, petition: petition)),
            Link(OrganizerRoute.edit(organization: organization, petition: petition)),
            Link(OrganizerRoute.submit(organization: organization, petition: petition)),
            Link(OrganizerRoute.withdrawSubmission(organization: organization, petition: petition)),
            Link(OrganizerRoute.close(organization: organization, petition: petition)),
            Link(OrganizerRoute.amendments(organization: organization, petition: petition)),
            Link(
                OrganizerRoute.translation(organization: organization, petition: petition),
                query: ["language": v.language]),
            Link(OrganizerRoute.removeTranslation(organization: organization, petition: petition)),
            Link(OrganizerRoute.image(organization: organization, petition: petition)),
            Link(OrganizerRoute.removeImage(organization: organization, petition: petition)),
            Link(OrganizerRoute.deliveries(organization: organization, petition: petition)),
            Link(OrganizerRoute.evidence(organization: organization, petition: petition, delivery: v.delivery)),
            Link(OrganizerRoute.targetLinks(organization: organization, petition: petition)),
            Link(OrganizerRoute.responses(organization: organization, petition: petition)),
            Link(OrganizerRoute.approveResponse(organization: organization, petition: petition, response: v.response)),
            Link(OrganizerRoute.rejectResponse(organization: organization, petition: petition, response: v.response)),
            Link(OrganizerRoute.dashboard(organization: organization, petition: petition)),
            Link(OrganizerRoute.updates(organization: organization, petition: petition)),
            Link(OrganizerRoute.signaturesCSV(organization: organization, petition: petition)),
            Link(OrganizerRoute.package(organization: organization, petition: petition)),
            Link(AdminRoute.review), Link(AdminRoute.petition(slug: petition)),
            Link(AdminRoute.approve(petition: petition)), Link(AdminRoute.reject(petition: petition)),
            Link(AdminRoute.takeDown(petition: petition)), Link(AdminRoute.dismissReports(petition: petition)),
            Link(AdminRoute.approveTranslation(petition: petition, language: v.language)),
            Link(AdminRoute.rejectTranslation(petition: petition, language: v.language)),
            Link(AdminRoute.image(petition: petition)), Link(AdminRoute.responses(petition: petition)),
            Link(AdminRoute.approveResponse(petition: petition, response: v.response)),
            Link(AdminRoute.rejectResponse(petition: petition, response: v.response)),
            Link(AdminRoute.accounts), Link(AdminRoute.disableAccount(id: v.account)),
            Link(AdminRoute.enableAccount(id: v.account)), Link(AdminRoute.outbox), Link(AdminRoute.log),
            Link(AdminRoute.audit),
        ]
    }

    // MARK: Helpers

    static func expectEachReachesItsRoute(_ links: [Link], among served: Set<RouteTable.Entry>) async throws {
        let requests = links.flatMap { link in link.methods.map { (link, $0) } }
        let reached = try await Self.reached(requests.map { ($0.1, $0.0.path) }, among: served)
        for ((link, method), route) in zip(requests, reached) {
            #expect(route == link.pattern, "\(method) \(link.path) reached \(route ?? "nothing"), not \(link.pattern)")
        }
    }

    /// Every route the application's router serves.
    static func served(on instance: TestInstance) async throws -> Set<RouteTable.Entry> {
        var logger = Logger(label: "undersigned.test")
        logger.logLevel = instance.settings.logLevel
        // Migrated first, so that its services find their tables.
        try await instance.withStore { try await $0.migrate() }
        let (application, routes) = try await buildApplicationAndRoutes(
            settings: instance.settings, logger: logger, clock: instance.clock.wallClock)
        // Run for a moment, so that it closes its database.
        try await application.test(.router) { _ in }
        return Set(routes.map { RouteTable.Entry(method: $0.method, pattern: $0.path.description) })
    }

    /// Which of `routes` each request reaches, by a router with the same routes, each
    /// answering with its pattern: `nil` for none.
    static func reached(_ requests: [(HTTPRequest.Method, String)], among routes: Set<RouteTable.Entry>) async throws
        -> [String?]
    {
        let router = Router()
        for route in routes {
            router.on(RouterPath(route.pattern), method: route.method) { _, _ in
                Response(status: .ok, headers: [routeHeader: route.pattern])
            }
        }
        return try await Application(router: router).test(.router) { client in
            var reached: [String?] = []
            for (method, path) in requests {
                reached.append(try await client.execute(uri: path, method: method).headers[routeHeader])
            }
            return reached
        }
    }

    static let routeHeader = HTTPField.Name("X-Route")!

    /// An organization's open petition with a picture, a translation waiting for review, a
    /// delivery with evidence, a target's response waiting for review and a pending
    /// invitation; a signer who asked for news, an update to them, and a password reset.
    static func realValues(
        _ browser: Browser, instance: TestInstance, petition slug: String, ownerID: UUID, bystanderID: UUID
    ) async throws -> Values {
        let owner = browser
        #expect(try await owner.signIn("owner@example.org").status == .seeOther)
        let manage = OrganizerRoute.petition(organization: "acme", petition: slug).path
        let csrf = try #require(try await owner.get(manage).field("csrf"))
        #expect(
            try await owner.upload(
                OrganizerRoute.image(organization: "acme", petition: slug).path, fields: [("csrf", csrf)],
                file: ("image", "picture.png", "image/png", TestImages.png())
            ).status == .seeOther)
        let translation = OrganizerRoute.translation(organization: "acme", petition: slug)
        #expect(
            try await owner.submit(
                translation.path(query: ["language": "fr"]), action: translation.path,
                [("language", "fr"), ("title", "Titre"), ("summary", "…"), ("body", "Texte."), ("intent", "save")]
            ).status == .seeOther)
        let deliveries = OrganizerRoute.deliveries(organization: "acme", petition: slug).path
        #expect(
            try await owner.upload(
                deliveries, fields: [("csrf", csrf), ("target", "1"), ("channel", "email"), ("by", "Amal")],
                file: ("evidence", "receipt.pdf", "application/pdf", Array("%PDF-1.4\n".utf8))
            ).status == .seeOther)
        let delivery = try #require(
            try await owner.get(deliveries).body.firstMatch(of: #/deliveries/([0-9a-f-]{36})/evidence/#)?.1)
        let target = try await ResponseReviewTests.targetLink(owner, slug: slug, target: 2)
        let targetToken = String(try #require(target.split(separator: "/").last))
        let recipient = owner.newVisitor()
        let targetPage = try await recipient.get(target)
        #expect(
            try await recipient.post(
                TargetRoute.respond(token: targetToken).path,
                form: [("csrf", targetPage.field("csrf") ?? ""), ("response", "We will.")]
            ).status == .seeOther)
        let responses = try await owner.get(OrganizerRoute.responses(organization: "acme", petition: slug).path)
        let response = try #require(responses.body.firstMatch(of: #/responses/([0-9a-f-]{36})/approve/#)?.1)

        let signer = owner.newVisitor()
        try await signer.signAndConfirm(email: "signer@example.org", on: slug, updates: true)
        let received = owner.mailbox.messages(to: "signer@example.org")
        let codes = received.compactMap { $0.raw.firstMatch(of: #/Your receipt code: ([A-Za-z0-9_-]+)/#)?.1 }
        let receiptCode = try #require(codes.first)
        let updates = OrganizerRoute.updates(organization: "acme", petition: slug).path
        #expect(
            try await owner.submit(
                updates, action: updates, [("subject", "News"), ("body", "Hello."), ("confirmed", "yes")]
            ).status
                == .seeOther)
        let news = try await owner.mailbox.waitForMessages(to: "signer@example.org", count: received.count + 1)
        let invitation = try await owner.invite("invitee@example.org", role: .viewer, to: "acme")
        #expect(
            try await owner.newVisitor().submit(AccountRoute.reset.path, [("email", "bystander@example.org")]).status
                == .ok)
        let reset = try #require(
            try await owner.mailbox.waitForMessages(to: "bystander@example.org").last?.link(to: "account/reset"))
        let stylesheet = try #require(
            try await owner.get(SiteRoute.home.path).body.firstMatch(of: #/href="/static/([^"]+)"/#)?.1)

        func token(_ path: String?) throws -> String {
            String(try #require(path?.split(separator: "/").last))
        }
        return Values(
            petition: slug, organization: "acme",
            invitation: try #require(try await instance.invitation(link: invitation)?.id.text), member: ownerID.text,
            delivery: String(delivery), response: String(response), account: bystanderID.text, language: "fr",
            staticFile: String(stylesheet), receiptCode: String(receiptCode),
            confirmToken: try token(received.compactMap(\.confirmationPath).last),
            withdrawToken: try token(received.compactMap(\.withdrawalPath).last),
            unsubscribeToken: try token(news.last?.link(to: "unsubscribe")), resetToken: try token(reset),
            invitationToken: try token(invitation), targetToken: targetToken)
    }
}
