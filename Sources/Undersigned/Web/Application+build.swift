import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// Wires an Undersigned instance together. Tests build the very same application with
/// their own settings, and a clock they move by hand for the abuse defences.
public func buildApplication(settings: Settings, logger: Logger, clock: WallClock = .system) async throws -> some ApplicationProtocol {
    let secret = try ServerSecret.load(configured: settings.secret, dataDirectory: settings.dataDirectory)
    let pages = try await Pages.load()
    let masterKeys = try settings.loadMasterKeys()
    let logKey = try settings.loadLogSigningKey()
    let disposableDomains = try DisposableDomains.load(file: settings.abuse.disposableDomainsFile)
    let database = try await openDatabase(settings.database, logger: logger)
    let dataKeys = DataKeyRing(store: database, masterKeys: masterKeys, reloadMasterKeys: settings.loadMasterKeys)
    let sealer = PersonalDataSealer(keys: dataKeys)
    let transport: any MailTransport
    do {
        transport = try makeMailTransport(settings: settings, logger: logger)
    } catch {
        await database.close()
        throw error
    }
    let metricsRegistry = PrometheusCollectorRegistry()
    let outboxMetrics = OutboxMetrics(factory: PrometheusMetricsFactory(registry: metricsRegistry))
    let outbox = OutboxWorker(store: database, transport: transport, sealer: sealer, logger: logger, metrics: outboxMetrics)
    let counts = SignatureCounts(store: database)
    let receipts = ReceiptCodes(key: secret.key(for: .receipt))
    let mailer = SignerMail(
        baseURL: settings.baseURL, confirmationLinks: LinkTokens(key: secret.key(for: .confirmationLink)),
        withdrawalLinks: LinkTokens(key: secret.key(for: .withdrawalLink)), receipts: receipts,
        unsubscribeLinks: LinkTokens(key: secret.key(for: .unsubscribeLink)), sealer: sealer)
    let catalog = PetitionCatalog(store: database)
    let writer = SignatureWriter(
        store: database, petitions: { try await catalog.petition(id: $0) }, mailer: mailer, receipts: receipts, counts: counts, logger: logger,
        committed: { outbox.wake() })
    let csrf = CSRFProtection(key: secret.key(for: .csrf), baseURL: settings.baseURL)
    let heads = TreeHeads(store: database)
    let presenter = PetitionPresenter(pages: pages, counts: counts, heads: heads, baseURL: settings.baseURL)
    let signingGuard = SigningGuard(
        settings: settings.abuse, disposableDomains: disposableDomains, secret: secret, store: database, clock: clock, logger: logger)

    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(ErrorMiddleware(pages: pages))
    let countryFigures = CountryFigures(store: database, threshold: settings.smallCountThreshold)
    PetitionController(
        catalog: catalog, counts: counts, countries: countryFigures, presenter: presenter, csrf: csrf, writer: writer,
        fingerprinter: EmailFingerprinter(key: secret.key(for: .emailFingerprint)), sealer: sealer, signingGuard: signingGuard
    ).addRoutes(to: router)
    ConfirmationController(signatures: database, catalog: catalog, mailer: mailer, writer: writer, presenter: presenter, csrf: csrf)
        .addRoutes(to: router)
    WithdrawalController(signatures: database, catalog: catalog, links: mailer.withdrawalLinks, writer: writer, presenter: presenter, csrf: csrf)
        .addRoutes(to: router)
    PetitionAPIController(catalog: catalog, counts: counts, countries: countryFigures, heads: heads, baseURL: settings.baseURL)
        .addRoutes(to: router.group("api/v1"))
    LogController(catalog: catalog, logs: database, heads: heads, key: logKey.publicKey, presenter: presenter)
        .addRoutes(to: router, api: router.group("api/v1"))
    let treeHeadSigner = TreeHeadSigner(store: database, key: logKey, logger: logger)
    let deliveries = Deliveries(
        store: database, signer: treeHeadSigner, sealer: sealer, baseURL: settings.baseURL, threshold: settings.smallCountThreshold)
    TargetController(targets: database, deliveries: deliveries, records: database, catalog: catalog, presenter: presenter, csrf: csrf)
        .addRoutes(to: router)
    UnsubscribeController(store: database, links: mailer.unsubscribeLinks, pages: pages).addRoutes(to: router)
    PetitionImageController(catalog: catalog, images: database).addRoutes(to: router)
    let reports = Reports(store: database, sealer: sealer, clock: clock)
    ReportController(
        catalog: catalog, reports: reports, presenter: presenter, csrf: csrf,
        limits: AddressLimits.reports(trustForwardedFor: settings.abuse.trustForwardedFor, clock: clock)
    ).addRoutes(to: router)
    OperationsController(database: database, pages: pages).addRoutes(to: router)
    let accountMail = AccountMail(baseURL: settings.baseURL, sealer: sealer, queued: { outbox.wake() })
    addAccountRoutes(
        to: router, database: database, settings: settings, secret: secret, mail: accountMail, pages: pages, csrf: csrf, clock: clock,
        logKey: logKey.publicKey, catalog: catalog, deliveries: deliveries, presenter: presenter, reports: reports)
    MetricsController(registry: metricsRegistry, outbox: database, outboxMetrics: outboxMetrics).addRoutes(to: router)

    var app = Application(
        router: router,
        // Idle and oversized connections are closed rather than left to tie up the server.
        server: .http1(
            configuration: .init(
                idleTimeout: .seconds(30),
                httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100))),
        configuration: .init(address: .hostname(settings.hostname, port: settings.port), serverName: nil),
        // Shut down in reverse: the server stops taking requests and finishes those in flight,
        // the outbox stops, the writer commits what it accepted, the logs' last heads are
        // signed, then the database closes.
        services: [DatabaseCloser(database: database)] + database.services + signingGuard.services
            + [treeHeadSigner, writer, outbox, DataKeyRefresher(ring: dataKeys, logger: logger),
               AnnouncementWorker(store: database, petitions: { try await catalog.petition(id: $0) }, mailer: mailer, logger: logger, wakeOutbox: { outbox.wake() }),
               RetentionService(purge: Purge(signatures: database, policy: RetentionPolicy(settings: settings)), logger: logger)],
        logger: logger)
    app.beforeServerStarts {
        try await prepare(database, logger: logger)
        try await dataKeys.refresh()
    }
    return app
}

/// Accounts, organizations, their petitions' organizer pages, moderation and the audit log:
/// the routes that read the session cookie.
func addAccountRoutes(
    to router: Router<AppRequestContext>, database: any Database, settings: Settings, secret: ServerSecret, mail: AccountMail, pages: Pages,
    csrf: CSRFProtection, clock: WallClock, logKey: LogSigningKey.Public, catalog: PetitionCatalog, deliveries: Deliveries,
    presenter: PetitionPresenter, reports: Reports
) {
    let accounts = Accounts(store: database, secret: secret, sealer: mail.sealer, settings: settings.accounts, clock: clock)
    let sessions = Sessions(store: database, settings: settings.accounts, clock: clock)
    let organizations = Organizations(accounts: accounts, sessions: sessions, mail: mail)
    let cookie = SessionCookie(secure: settings.baseURL.scheme == "https")
    let forms = AccountPages(pages: pages, csrf: csrf)
    let access = OrganizationAccess(organizations: database)
    let limits = AddressLimits.accountAttempts(trustForwardedFor: settings.abuse.trustForwardedFor, clock: clock)
    let routes = router.group().add(middleware: SessionMiddleware(sessions: sessions, cookie: cookie))
    AccountController(
        signIn: SignIn(accounts: accounts, sessions: sessions), sessions: sessions, accounts: accounts, organizations: database, cookie: cookie,
        forms: forms, limits: limits
    ).addRoutes(to: routes)
    PasswordResetController(
        resets: PasswordResets(accounts: accounts, sessions: sessions, mail: mail), sessions: sessions, cookie: cookie, forms: forms, limits: limits
    )
        .addRoutes(to: routes)
    OrganizationController(
        organizations: organizations, keys: OrganizationKeys(accounts: accounts), store: database, petitions: database, access: access,
        forms: forms, clock: clock
    ).addRoutes(to: routes)
    InvitationController(organizations: organizations, sessions: sessions, cookie: cookie, forms: forms).addRoutes(to: routes)
    AuditController(audit: database, access: access, forms: forms).addRoutes(to: routes)
    let petitionAccess = PetitionAccess(organizations: access, petitions: database)
    let editor = PetitionEditor(store: database, review: settings.petitionReview, clock: clock)
    PetitionEditorController(
        editor: editor, access: petitionAccess, catalog: catalog, forms: forms, review: settings.petitionReview, baseURL: settings.baseURL
    ).addRoutes(to: routes)
    DeliveryController(
        deliveries: deliveries, records: database, links: database, access: petitionAccess, catalog: catalog, forms: forms, baseURL: settings.baseURL,
        clock: clock
    ).addRoutes(to: routes)
    PetitionUpdatesController(
        access: petitionAccess, updates: PetitionUpdates(store: database, clock: clock), store: database, catalog: catalog, forms: forms
    ).addRoutes(to: routes)
    let dashboard = PetitionDashboard(
        store: database, petitions: database, countries: CountryFigures(store: database, threshold: settings.smallCountThreshold), clock: clock)
    PetitionDashboardController(access: petitionAccess, dashboard: dashboard, forms: forms).addRoutes(to: routes)
    SignatureExportController(
        access: petitionAccess, export: SignatureExport(signatures: database, petitions: database, sealer: mail.sealer, clock: clock), keys: database)
        .addRoutes(to: routes)
    OrganizationPackageController(
        access: petitionAccess, exports: PackageExports(deliveries: deliveries, store: database, clock: clock), forms: forms
    ).addRoutes(to: routes)
    AdminLogController(verifier: LogVerifier(logs: database, petitions: database, key: logKey), petitions: database, forms: forms)
        .addRoutes(to: routes)
    AdminOutboxController(outbox: database, forms: forms).addRoutes(to: routes)
    AdminAccountsController(accounts: accounts, store: database, forms: forms, clock: clock).addRoutes(to: routes)
    ModerationController(
        moderation: Moderation(editor: editor, store: database, accounts: accounts, mail: mail, clock: clock), reports: reports,
        petitions: database, organizations: database, catalog: catalog, presenter: presenter, forms: forms, review: settings.petitionReview
    ).addRoutes(to: routes)
}

/// The configured transport, with the sender identity and DKIM key every transport shares.
func makeMailTransport(settings: Settings, logger: Logger) throws -> any MailTransport {
    var composer = MailComposer(identity: MailIdentity(from: settings.mailFrom, replyTo: settings.mailReplyTo))
    if let dkim = settings.dkim {
        let pem: String
        do {
            pem = try String(contentsOfFile: dkim.keyFile, encoding: .utf8)
        } catch {
            throw SettingsError(description: "cannot read the DKIM key file \(dkim.keyFile)")
        }
        composer.dkim = try DKIMSigner(pem: pem, domain: dkim.domain, selector: dkim.selector)
    }
    switch settings.mailTransport {
    case .file:
        return try FileMailTransport(directory: settings.mailDirectory, composer: composer)
    case .log:
        return LogMailTransport(logger: logger)
    case .smtp:
        guard let server = settings.smtpServer else { throw SettingsError(description: "the smtp mail transport needs --smtp-url") }
        let configuration = SMTPConfiguration(
            server: server, helloName: settings.baseURL.host ?? "localhost", trustedCAFile: settings.smtpCAFile,
            connections: settings.smtpConnections)
        do {
            return try SMTPMailTransport(configuration: configuration, composer: composer)
        } catch {
            let file = settings.smtpCAFile.map { " with the CA file \($0)" } ?? ""
            throw SettingsError(description: "cannot set up TLS for the mail server\(file): \(error)")
        }
    }
}

/// Migrates an empty database and gives it the seed petition. A database that already has a
/// schema is migrated only by `undersigned migrate`, so an upgrade is always a deliberate act.
func prepare(_ database: any Database, logger: Logger) async throws {
    let applied = try await database.appliedMigrationsIfAny()
    if applied.isEmpty {
        logger.notice("empty database: creating the schema")
        try await database.migrate()
    } else if let missing = Migrations.all.map(\.version).first(where: { !applied.contains($0) }) {
        throw SettingsError(
            description: "the database schema lacks migration \(missing): run `undersigned migrate` first")
    }
    try await seedIfEmpty(database, logger: logger)
}

func seedIfEmpty(_ database: any Database, logger: Logger) async throws {
    guard try await database.petitionCount() == 0 else { return }
    let seed = try SeedPetition.load()
    do {
        try await database.insert(seed)
        logger.notice("created the seed petition", metadata: ["slug": "\(seed.slug)"])
    } catch {
        // Another instance sharing the database may have seeded it first.
        guard try await database.petition(slug: seed.slug) != nil else { throw error }
    }
}

extension Database {
    /// Applied migrations, or none when the database has no schema at all.
    func appliedMigrationsIfAny() async throws -> [Int] {
        do {
            return try await appliedMigrations()
        } catch {
            // Only "no such table" is expected here; a dead database fails the next call too.
            guard await isReachable() else { throw error }
            return []
        }
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
