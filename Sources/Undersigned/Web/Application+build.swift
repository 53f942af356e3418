import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Prometheus
import ServiceLifecycle

/// Wires an Undersigned instance together. Tests build the very same application with
/// their own settings, and a clock they move by hand for the abuse defences.
public func buildApplication(settings: Settings, logger: Logger, clock: WallClock = .system) async throws
    -> some ApplicationProtocol
{
    try await buildApplicationAndRoutes(settings: settings, logger: logger, clock: clock).application
}

/// The application and every route its router serves, so that tests can walk all of them.
func buildApplicationAndRoutes(
    settings: Settings, logger: Logger, clock: WallClock = .system
) async throws -> (application: some ApplicationProtocol, routes: [Router<AppRequestContext>.RouteDescription]) {
    let pages = try await Pages.load()
    let disposableDomains = try DisposableDomains.load(file: settings.disposableDomainsFile)
    let instance = try await Instance.open(settings: settings, logger: logger, clock: clock)
    do {
        return try buildApplicationAndRoutes(instance, pages: pages, disposableDomains: disposableDomains)
    } catch {
        await instance.close()
        throw error
    }
}

/// The web application over the instance's parts.
private func buildApplicationAndRoutes(
    _ instance: Instance, pages: Pages, disposableDomains: DisposableDomains
) throws -> (application: some ApplicationProtocol, routes: [Router<AppRequestContext>.RouteDescription]) {
    let (settings, logger, clock, database) = (instance.settings, instance.logger, instance.clock, instance.database)
    let secret = try instance.secret
    let logKey = try instance.logKey
    let dataKeys = try instance.dataKeys
    let sealer = try instance.sealer
    let metricsRegistry = PrometheusCollectorRegistry()
    let metricsFactory = PrometheusMetricsFactory(registry: metricsRegistry)
    let outboxMetrics = OutboxMetrics(factory: metricsFactory)
    // What this instance changes of what its kept answers show (``ReplayedAnswers``).
    let shownChanges = ChangeCounter()
    let counts = SignatureCounts(store: database, maximumAge: settings.figuresInterval, changes: shownChanges)
    let receipts = try instance.receipts
    let mailer = try instance.signerMail
    let catalog = PetitionCatalog(
        store: database, maximumAge: max(.seconds(5), settings.figuresInterval), changes: shownChanges)
    let handover = OutboxHandover(lease: settings.outboxLease)
    let outbox = OutboxWorker(
        store: database, transport: try instance.mailTransport, sealer: sealer, logger: logger,
        lease: settings.outboxLease, metrics: outboxMetrics, clock: clock, handover: handover,
        signerEmails: SignerEmailWriter(mailer: mailer, petitions: { try await catalog.petition(id: $0) }))
    let accountMail = AccountMail(baseURL: settings.baseURL, sealer: sealer, clock: clock, queued: { outbox.wake() })
    let notices = OrganizerNotices(accounts: try instance.accounts, activity: database, mail: accountMail)
    let writer = SignatureWriter(
        store: database, petitions: { try await catalog.petition(id: $0) }, mailer: mailer, receipts: receipts,
        counts: counts, logger: logger, notices: notices,
        clock: clock, handover: handover,
        committed: { claimable in claimable ? outbox.wake() : outbox.wakeForHandover() })
    let csrf = CSRFProtection(key: secret.key(for: .csrf), baseURL: settings.baseURL)
    let heads = TreeHeads(store: database, lifetime: settings.figuresInterval)
    let paperCounts = PaperCounts(store: database, lifetime: settings.figuresInterval)
    let presenter = PetitionPresenter(
        pages: pages, counts: counts, paperCounts: paperCounts, heads: heads, baseURL: settings.baseURL)
    let signingGuard = SigningGuard(
        settings: settings, disposableDomains: disposableDomains, secret: secret, store: database, clock: clock,
        logger: logger)
    let replays = ReplayedAnswers(visitors: csrf, changes: shownChanges, factory: metricsFactory)

    // A HEAD of every GET, which the public reads answer (see PublicReadMiddleware).
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.middlewares.add(SecurityHeadersMiddleware(baseURL: settings.baseURL))
    // Outside the error middleware, so that errors are readable across origins too.
    router.middlewares.add(PublicReadMiddleware())
    router.middlewares.add(LanguageMiddleware(baseURL: settings.baseURL))
    router.middlewares.add(ErrorMiddleware(pages: pages))
    let countryFigures = CountryFigures(
        store: database, threshold: settings.smallCountThreshold, interval: settings.countryFiguresInterval,
        clock: clock)
    let site = router.group(for: SiteRoute.self)
    let petitions = router.group(for: PetitionRoute.self)
    let signerLinks = router.group(for: SignerRoute.self)
    let api = router.group(for: APIRoute.self)
    let signing = FormSigning(
        signingGuard: signingGuard, writer: writer,
        fingerprinter: EmailFingerprinter(key: secret.key(for: .emailFingerprint)), sealer: sealer)
    PetitionController(
        catalog: catalog, counts: counts, countries: countryFigures, presenter: presenter, csrf: csrf,
        signing: signing, liveCountDuration: settings.liveCountDuration, replays: replays
    ).addRoutes(to: site, petitions: petitions)
    EmbedController(
        catalog: catalog, presenter: presenter, signing: signing,
        tokens: EmbedFormTokens(key: secret.key(for: .embedForm), clock: clock)
    ).addRoutes(to: petitions)
    ConfirmationController(
        signatures: database, deliveries: database, catalog: catalog, mailer: mailer, writer: writer,
        presenter: presenter, csrf: csrf, clock: clock
    )
    .addRoutes(to: signerLinks)
    WithdrawalController(
        signatures: database, catalog: catalog, links: mailer.withdrawalLinks, writer: writer, presenter: presenter,
        csrf: csrf
    )
    .addRoutes(to: signerLinks)
    PetitionAPIController(
        catalog: catalog, counts: counts, paperCounts: paperCounts, countries: countryFigures, heads: heads,
        baseURL: settings.baseURL, replays: replays
    )
    .addRoutes(to: api)
    PartnerSigningController(
        catalog: catalog, partnerKeys: PartnerKeys(store: database, clock: clock), signingGuard: signingGuard,
        writer: writer, fingerprinter: EmailFingerprinter(key: secret.key(for: .emailFingerprint)), sealer: sealer
    )
    .addRoutes(to: api)
    LogController(catalog: catalog, logs: database, heads: heads, key: logKey.publicKey, presenter: presenter)
        .addRoutes(to: site, petitions: petitions, api: api)
    try APIDocumentController<AppRequestContext>.load().addRoutes(to: router.group(for: APIDocumentRoute.self))
    let treeHeadSigner = try instance.treeHeadSigner
    UnsubscribeController(store: database, links: mailer.unsubscribeLinks, pages: pages).addRoutes(to: signerLinks)
    PetitionImageController(catalog: catalog, images: database).addRoutes(to: petitions)
    let reports = Reports(store: database, sealer: sealer, clock: clock)
    ReportController(
        catalog: catalog, reports: reports, presenter: presenter, csrf: csrf,
        limits: AddressLimits.reports(trustForwardedFor: settings.trustForwardedFor, clock: clock)
    ).addRoutes(to: petitions)
    OperationsController(database: database, pages: pages).addRoutes(to: site)
    try addAccountRoutes(
        to: router, instance: instance, mail: accountMail, notices: notices, pages: pages, csrf: csrf,
        catalog: catalog, presenter: presenter, reports: reports, countries: countryFigures)
    MetricsController(registry: metricsRegistry, outbox: database, outboxMetrics: outboxMetrics, clock: clock)
        .addRoutes(to: site)
    let routes = router.routes
    let prepared = Readiness()

    var app = Application(
        router: router,
        // Idle and oversized connections are closed rather than left to tie up the server.
        server: HTTPServerBuilder { responder in
            EventLoopConnections(
                connection: ReplayingConnections(
                    connection: HTTP1Channel(
                        responder: RequestTasks.separate(responder),
                        configuration: .init(
                            httpDecoderConfiguration: .init(
                                maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100
                            ))),
                    answers: replays, idleTimeout: .seconds(30)))
        },
        configuration: .init(
            address: .hostname(settings.hostname, port: settings.port), serverName: nil,
            // Connections not yet accepted wait in the system's queue: with Hummingbird's 256, a
            // spike of 2,000 new connections saw thousands of them dropped, each retried by its
            // client a second or more later. The system caps it (`net.core.somaxconn`).
            backlog: 4096,
            availableConnectionsDelegate: CountedConnections(
                maximum: connectionLimit(settings: settings, logger: logger),
                factory: metricsFactory)),
        // Shut down in reverse: the server stops taking requests and finishes those in flight,
        // the outbox stops, the writer commits what it accepted, the logs' last heads are
        // signed, then the database closes.
        // The database's own services first: preparing it needs them. The rest wait until its
        // schema exists, which on a first start is being created.
        services: [DatabaseCloser(database: database)] + database.services
            + (signingGuard.services
            + [
                treeHeadSigner, writer, outbox, DataKeyRefresher(ring: dataKeys, logger: logger),
                AnnouncementWorker(
                    store: database, petitions: { try await catalog.petition(id: $0) }, mailer: mailer,
                    logger: logger, wakeOutbox: { outbox.wake() }),
                RetentionService(purge: instance.purge, logger: logger),
            ]).map { StartedWhenReady(service: $0, readiness: prepared) },
        // Said once the port is open: before, the schema of an empty database is created.
        onServerRunning: { [baseURL = settings.baseURL] _ in
            logger.notice("serving", metadata: ["url": "\(baseURL.absoluteString)"])
        },
        logger: logger)
    app.beforeServerStarts {
        try await prepare(database, clock: clock, logger: logger)
        try await dataKeys.refresh()
        prepared.markReady()
    }
    return (app, routes)
}

/// The connections the server takes at once: as many as the process may open files besides
/// its own (after raising its limit as far as it goes), or the settings' number if fewer.
private func connectionLimit(settings: Settings, logger: Logger) -> Int {
    let requested = settings.maxConnections
    guard let openFiles = ConnectionLimit.raiseOpenFileLimit() else { return requested ?? 1_000_000 }
    let allowed = ConnectionLimit.allowed(requested: requested, openFiles: openFiles)
    if let requested, allowed < requested {
        logger.warning(
            "fewer connections at once than max-connections asks: the process may open too few files",
            metadata: [
                "max-connections": "\(requested)", "allowed": "\(allowed)", "open-file-limit": "\(openFiles)",
            ])
    }
    return allowed
}

/// Accounts, organizations, their petitions' organizer pages, moderation and the audit log:
/// the routes that read the session cookie.
func addAccountRoutes(
    to router: Router<AppRequestContext>, instance: Instance, mail: AccountMail, notices: OrganizerNotices,
    pages: Pages, csrf: CSRFProtection, catalog: PetitionCatalog, presenter: PetitionPresenter, reports: Reports,
    countries: CountryFigures
) throws {
    let (settings, clock, database) = (instance.settings, instance.clock, instance.database)
    let secret = try instance.secret
    let accounts = try instance.accounts
    let deliveries = try instance.deliveries.telling(notices)
    let exports = try instance.packageExports
    let targetResponses = TargetResponses(
        store: database, accounts: accounts, mail: mail, notices: notices, clock: clock)
    // A target's page has no session: its private link is its key.
    TargetController(
        targets: database, responses: targetResponses, exports: exports, records: database, catalog: catalog,
        presenter: presenter, csrf: csrf
    ).addRoutes(to: router.group(for: TargetRoute.self))
    let sessions = Sessions(store: database, settings: settings, clock: clock)
    let organizations = Organizations(accounts: accounts, sessions: sessions, mail: mail)
    let cookie = SessionCookie(secure: settings.baseURL.scheme == "https")
    let forms = AccountPages(pages: pages, csrf: csrf)
    let access = OrganizationAccess(organizations: database)
    let limits = AddressLimits.accountAttempts(trustForwardedFor: settings.trustForwardedFor, clock: clock)
    let devices = KnownDevices(key: secret.key(for: .knownDevice), secure: cookie.secure)
    let signIn = SignIn(
        accounts: accounts, sessions: sessions, throttle: SignInThrottle(settings: settings), devices: devices)
    let signedIn = router.group().add(middleware: SessionMiddleware(sessions: sessions, cookie: cookie))
    let accountPages = signedIn.group(for: AccountRoute.self)
    let organizationPages = signedIn.group(for: OrganizationRoute.self)
    let organizers = signedIn.group(for: OrganizerRoute.self)
    let admin = signedIn.group(for: AdminRoute.self)
    AccountController(
        signIn: signIn, sessions: sessions, accounts: accounts, organizations: database, notices: database,
        cookie: cookie,
        devices: devices, forms: forms,
        limits: limits
    ).addRoutes(to: accountPages)
    PasswordResetController(
        resets: PasswordResets(accounts: accounts, sessions: sessions, mail: mail), sessions: sessions, cookie: cookie,
        forms: forms, limits: limits
    )
    .addRoutes(to: accountPages)
    OrganizationController(
        organizations: organizations, keys: OrganizationKeys(accounts: accounts),
        partnerKeys: PartnerKeys(store: database, clock: clock), store: database, petitions: database,
        access: access,
        forms: forms, clock: clock
    ).addRoutes(to: organizationPages)
    InvitationController(organizations: organizations, sessions: sessions, cookie: cookie, forms: forms).addRoutes(
        to: signedIn.group(for: InvitationRoute.self))
    AuditController(audit: database, access: access, forms: forms).addRoutes(to: organizationPages, admin: admin)
    ActivityController(
        activity: database, organizations: organizations, access: access, forms: forms
    ).addRoutes(to: organizationPages)
    let petitionAccess = PetitionAccess(organizations: access, petitions: database)
    let editor = instance.petitionEditor
    PetitionEditorController(
        editor: editor, access: petitionAccess, catalog: catalog, counts: presenter.counts, forms: forms,
        review: settings.petitionReview,
        baseURL: settings.baseURL
    ).addRoutes(to: organizers)
    DeliveryController(
        deliveries: deliveries, records: database, links: database, access: petitionAccess, catalog: catalog,
        forms: forms, baseURL: settings.baseURL,
        clock: clock
    ).addRoutes(to: organizers)
    PetitionUpdatesController(
        access: petitionAccess, updates: PetitionUpdates(store: database, clock: clock), store: database,
        catalog: catalog, forms: forms, accounts: accounts, mail: mail
    ).addRoutes(to: organizers)
    let dashboard = PetitionDashboard(
        store: database, petitions: database, countries: countries, clock: clock)
    PetitionDashboardController(access: petitionAccess, dashboard: dashboard, forms: forms).addRoutes(to: organizers)
    SignatureExportController(
        access: petitionAccess,
        export: SignatureExport(signatures: database, petitions: database, sealer: mail.sealer, clock: clock),
        keys: database,
        forms: forms
    )
    .addRoutes(to: organizers)
    OrganizationPackageController(access: petitionAccess, exports: exports, forms: forms).addRoutes(to: organizers)
    ResponseReviewController(
        responses: targetResponses, store: database, access: petitionAccess, petitions: database, catalog: catalog,
        forms: forms
    ).addRoutes(to: organizers, admin: admin)
    AdminLogController(verifier: try instance.logVerifier, petitions: database, forms: forms)
        .addRoutes(to: admin)
    AdminOutboxController(outbox: database, forms: forms, clock: clock).addRoutes(to: admin)
    AdminAccountsController(accounts: accounts, store: database, forms: forms).addRoutes(to: admin)
    PetitionPreviewImageController(access: petitionAccess, petitions: database, images: database).addRoutes(
        to: organizers, admin: admin)
    ModerationController(
        moderation: Moderation(editor: editor, store: database, notices: notices, clock: clock),
        reports: reports,
        petitions: database, organizations: database, catalog: catalog, presenter: presenter, forms: forms,
        review: settings.petitionReview
    ).addRoutes(to: admin)
}

/// Migrates an empty database and gives it the seed petition. A database that already has a
/// schema is migrated only by `undersigned migrate`, so an upgrade is always a deliberate act.
func prepare(_ database: any Database, clock: WallClock = .system, logger: Logger) async throws {
    await database.servicesStarted()
    let applied = try await database.appliedMigrations()
    if applied.isEmpty {
        logger.notice("empty database: creating the schema")
        try await database.migrate()
    } else if let missing = Migrations.all.map(\.version).first(where: { !applied.contains($0) }) {
        throw SettingsError(
            description: "the database schema lacks migration \(missing): run `undersigned migrate` first")
    }
    try await seedIfEmpty(database, clock: clock, logger: logger)
}

func seedIfEmpty(_ database: any Database, clock: WallClock, logger: Logger) async throws {
    guard try await database.petitionCount() == 0 else { return }
    let seed = try SeedPetition.load(createdAt: clock.now)
    do {
        try await database.insert(seed)
        logger.notice("created the seed petition", metadata: ["slug": "\(seed.slug)"])
    } catch {
        // Another instance sharing the database may have seeded it first.
        guard try await database.petition(slug: seed.slug) != nil else { throw error }
    }
}

/// Closes the database once everything that uses it has stopped.
struct DatabaseCloser: Service {
    let database: any Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}
