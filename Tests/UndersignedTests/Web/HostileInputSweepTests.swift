import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Undersigned

/// Every route the router serves, asked by an anonymous visitor, an organization's owner and
/// an instance admin, with hostile values in each path parameter, query parameter and form
/// field (as a form and as an upload), with a valid CSRF token so that the handlers' own
/// parsing is reached. Nothing may answer 5xx or stop the server. By default each parameter
/// and field gets part of the hostile values (see `Sweep.Breadth`); `UNDERSIGNED_SWEEP=full`,
/// as scripts/sweep sets it, gives each of them every value.
///
/// A crash stops the test process: run with `UNDERSIGNED_SWEEP_LOG_LEVEL=debug` to see each
/// request group (route, actor, parameter) before it is sent, `trace` for each value.
@Suite("Hostile input on every route")
struct HostileInputSweepTests {
    enum Actor: String, CaseIterable, Sendable {
        case anonymous, owner, admin
    }

    @Test(
        "no route answers 5xx to hostile paths, queries or forms, and the server still serves",
        arguments: TestDatabase.all)
    func sweep(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        try await instance.createAccount("admin@example.org", admin: true)
        let viewer = try await instance.createAccount("viewer@example.org")
        let bystander = try await instance.createAccount("bystander@example.org")
        var logger = Logger(label: "undersigned.test")
        logger.logLevel = instance.settings.logLevel
        // The routes, from the router of an application built as the one swept below; it
        // runs for a moment so that it closes its database.
        let (routesOnly, described) = try await buildApplicationAndRoutes(
            settings: instance.settings, logger: logger, clock: instance.clock.wallClock)
        try await routesOnly.test(.router) { _ in }
        let routes = described.map { Sweep.Route(method: $0.method, pattern: $0.path.description) }
        #expect(routes.count > 80)
        let changing = routes.filter { $0.pattern.contains("{petition}") && $0.method != .get }
        let moderating = changing.filter { $0.pattern.hasPrefix("/admin/") }.count
        let pool = try await instance.preparePetitionPool(
            owner: owner, viewer: viewer, organizing: 1 + changing.count - moderating, moderating: 1 + moderating)
        let app = try await buildApplication(
            settings: instance.settings, logger: logger, clock: instance.clock.wallClock)
        let mailbox = Mailbox(directory: URL(fileURLWithPath: instance.settings.mailDirectory))
        let started = ContinuousClock.now
        let statuses = Locked<[Int: Int]>([:])
        let failures = try await app.test(.router) { client in
            let browser = Browser(client: client, mailbox: mailbox)
            let sweep = Sweep(
                database: database, viewerID: viewer.id, bystanderID: bystander.id, pool: pool,
                tokens: try await Self.tokens(browser),
                statuses: statuses)
            let targets = sweep.targets(routes)
            let browsers = try await Self.browsers(browser)
            // The three at once, as they would come.
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                for (actor, visitor) in browsers {
                    group.addTask { try await sweep.run(targets, as: actor, browser: visitor) }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            // The server is still there, and still serves real pages.
            #expect(try await browser.get("/healthz").status == .ok)
            #expect(try await browser.get(TestInstance.seedPath).status == .ok)
            #expect(try await browsers[.owner]!.get("/org/acme").status == .ok)
            return failures
        }
        let counted = statuses.value
        Sweep.log.notice(
            "sweep done",
            metadata: [
                "database": "\(database)", "breadth": "\(Sweep.Breadth.chosen)", "routes": "\(routes.count)",
                "requests": "\(counted.values.reduce(0, +))",
                "statuses":
                    "\(counted.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))",
                "seconds": "\((ContinuousClock.now - started).components.seconds)",
            ])
        #expect(
            failures.isEmpty,
            "\(failures.count) answers of 5xx or errors:\n\(failures.prefix(60).joined(separator: "\n"))")
    }

    /// Links of the kinds the routes take, valid ones: a signature waiting for confirmation,
    /// a receipt's withdrawal link, an invitation.
    static func tokens(_ browser: Browser) async throws -> [String: String] {
        let signer = browser.newVisitor()
        try await signer.signAndConfirm(email: "counted@example.org")
        #expect(try await signer.sign(email: "waiting@example.org").status == .seeOther)
        let waiting = try #require(
            try await browser.mailbox.waitForMessages(to: "waiting@example.org").last?.confirmationPath)
        let receipt = try await browser.mailbox.waitForMessages(to: "counted@example.org", count: 2)
        let withdrawal = try #require(receipt.compactMap(\.withdrawalPath).last)
        let owner = browser.newVisitor()
        try await owner.signIn("owner@example.org")
        let invitation = try await owner.invite("guest@example.org", role: .viewer, to: "acme")
        func last(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }
        return ["/confirm": last(waiting), "/withdraw": last(withdrawal), "/invitations": last(invitation)]
    }

    static func browsers(_ browser: Browser) async throws -> [Actor: Browser] {
        var browsers: [Actor: Browser] = [:]
        for actor in Actor.allCases {
            let visitor = browser.newVisitor()
            if actor != .anonymous {
                #expect(try await visitor.signIn("\(actor)@example.org").status == .seeOther)
            }
            browsers[actor] = visitor
        }
        return browsers
    }
}

/// Petitions of `acme` for the sweep: each route that names a petition gets its own, so that
/// what one route does to its petition (closing it, say) leaves the others' as they were.
struct PetitionPool: Sendable {
    var drafts: [String]
    var open: [String]
    var inReview: [String]
}

extension TestInstance {
    /// Before the application runs: `acme`, owned by `owner` with `viewer` as a viewer, and
    /// its petitions: `organizing` drafts and as many open ones, `moderating` waiting for review.
    func preparePetitionPool(owner: Account, viewer: Account, organizing: Int, moderating: Int) async throws
        -> PetitionPool
    {
        try await withStore { store in
            let organization = Organization(slug: "acme", name: "Acme", createdAt: Date())
            try await store.accountTransaction { transaction in
                _ = try await transaction.insert(organization)
                try await transaction.setMembership(
                    organizationID: organization.id, accountID: owner.id, role: .owner, at: organization.createdAt)
                try await transaction.setMembership(
                    organizationID: organization.id, accountID: viewer.id, role: .viewer, at: organization.createdAt)
            }
            var pool = PetitionPool(drafts: [], open: [], inReview: [])
            let counts: [(PetitionState, String, Int)] = [
                (.draft, "draft", organizing), (.open, "open", organizing), (.pendingReview, "review", moderating),
            ]
            for (state, prefix, count) in counts {
                for index in 0..<count {
                    var petition = try SeedPetition.load(createdAt: Date())
                    petition.id = UUID()
                    petition.slug = "sweep-\(prefix)-\(index)"
                    petition.state = state
                    petition.organizer = organization.name
                    petition.organizationID = organization.id
                    try await store.insert(petition)
                    switch state {
                    case .draft: pool.drafts.append(petition.slug)
                    case .open: pool.open.append(petition.slug)
                    default: pool.inReview.append(petition.slug)
                    }
                }
            }
            return pool
        }
    }
}
