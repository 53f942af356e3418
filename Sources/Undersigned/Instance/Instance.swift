import Foundation
import Logging
import Synchronization

/// An instance's parts, built from its settings in this one place: `serve` wires them into the
/// web application, and the command line's tools use those they need. A part that reads or
/// creates a file (the secret, the keys) or holds state (the data keys, the mail connections)
/// is made when first asked for and then kept, so that a tool needing no key never reads or
/// creates a key file.
public final class Instance: Sendable {
    public let settings: Settings
    public let logger: Logger
    public let clock: WallClock
    public let database: any Database
    private let kept = Mutex(Kept())

    private struct Kept {
        var secret: ServerSecret?
        var dataKeys: DataKeyRing?
        var logKey: LogSigningKey?
        var mailTransport: (any MailTransport)?
    }

    private init(settings: Settings, logger: Logger, clock: WallClock, database: any Database) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.database = database
    }

    /// Opens the database `settings` name; the other parts wait until they are asked for.
    /// Whoever opens an instance runs `database.services` and closes it.
    public static func open(settings: Settings, logger: Logger, clock: WallClock = .system) async throws -> Instance {
        Instance(
            settings: settings, logger: logger, clock: clock,
            database: try await openDatabase(settings.database, logger: logger))
    }

    /// Opens the instance, runs `body` while the database's own services run, then closes it,
    /// whatever happens: what every command but `serve` does.
    public static func run<Result: Sendable>(
        settings: Settings, logger: Logger? = nil, clock: WallClock = .system,
        _ body: (Instance) async throws -> Result
    ) async throws -> Result {
        let instance = try await open(settings: settings, logger: logger ?? settings.makeLogger(), clock: clock)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for service in instance.database.services {
                group.addTask { try await service.run() }
            }
            defer { group.cancelAll() }
            await instance.database.servicesStarted()
            do {
                let result = try await body(instance)
                await instance.close()
                return result
            } catch {
                await instance.close()
                throw error
            }
        }
    }

    /// ``run(settings:logger:clock:_:)`` for a command that works on an instance's data: when
    /// the settings name no database of Undersigned's (a file that is not there, or a database
    /// without the schema), it stops with a ``SettingsError`` saying so, before it creates
    /// anything there (an empty database, a key).
    public static func runOnExisting<Result: Sendable>(
        settings: Settings, _ body: (Instance) async throws -> Result
    ) async throws -> Result {
        let names = Settings.table.database.names
        let remedy = "start `undersigned serve` there or run `undersigned migrate` first, or name another with \(names)"
        if case .sqlite(let path) = settings.database, !FileManager.default.fileExists(atPath: path) {
            throw SettingsError(description: "no database at \(path): \(remedy)")
        }
        return try await run(settings: settings) { instance in
            guard try await !instance.database.appliedMigrations().isEmpty else {
                throw SettingsError(description: "the database has no Undersigned schema: \(remedy)")
            }
            return try await body(instance)
        }
    }

    public func close() async {
        await database.close()
    }

    /// The server secret, from which every key for links and fingerprints is derived.
    public var secret: ServerSecret {
        get throws {
            try keep(\.secret) {
                try ServerSecret.load(configured: settings.secret, dataDirectory: settings.dataDirectory)
            }
        }
    }

    /// The data keys that seal personal data, wrapped by the master keys. They are read from
    /// the database by ``loadDataKeys()``, or by `serve` once the schema is there.
    public var dataKeys: DataKeyRing {
        get throws {
            try keep(\.dataKeys) {
                DataKeyRing(
                    store: database, masterKeys: try settings.loadMasterKeys(),
                    reloadMasterKeys: settings.loadMasterKeys, clock: clock)
            }
        }
    }

    /// Reads the data keys, for a tool that seals or opens personal data.
    public func loadDataKeys() async throws {
        try await dataKeys.refresh()
    }

    public var sealer: PersonalDataSealer {
        get throws { PersonalDataSealer(keys: try dataKeys) }
    }

    /// The key that signs the signature logs' tree heads.
    public var logKey: LogSigningKey {
        get throws { try keep(\.logKey) { try settings.loadLogSigningKey() } }
    }

    public var treeHeadSigner: TreeHeadSigner {
        get throws { TreeHeadSigner(store: database, key: try logKey, logger: logger, clock: clock) }
    }

    public var logVerifier: LogVerifier {
        get throws { LogVerifier(database: database, key: try logKey.publicKey) }
    }

    public var receipts: ReceiptCodes {
        get throws { ReceiptCodes(key: try secret.key(for: .receipt)) }
    }

    /// The emails to signers, and the links in them.
    public var signerMail: SignerMail {
        get throws {
            let secret = try secret
            return SignerMail(
                baseURL: settings.baseURL, confirmationLinks: LinkTokens(key: secret.key(for: .confirmationLink)),
                withdrawalLinks: LinkTokens(key: secret.key(for: .withdrawalLink)), receipts: try receipts,
                unsubscribeLinks: LinkTokens(key: secret.key(for: .unsubscribeLink)), sealer: try sealer,
                clock: clock)
        }
    }

    /// The configured transport, with the sender identity and DKIM key every transport shares.
    public var mailTransport: any MailTransport {
        get throws { try keep(\.mailTransport) { try makeMailTransport() } }
    }

    public var accounts: Accounts {
        get throws {
            Accounts(store: database, secret: try secret, sealer: try sealer, settings: settings, clock: clock)
        }
    }

    /// Tells organizations' members what happened to their petitions. Its emails wake no
    /// outbox here: the server's worker finds them within its polling interval.
    public var organizerNotices: OrganizerNotices {
        get throws {
            OrganizerNotices(
                accounts: try accounts, activity: database,
                mail: AccountMail(baseURL: settings.baseURL, sealer: try sealer, clock: clock))
        }
    }

    public var petitionEditor: PetitionEditor {
        PetitionEditor(store: database, review: settings.petitionReview, clock: clock)
    }

    public var signatureReview: SignatureReview {
        get throws { SignatureReview(store: database, sealer: try sealer, receipts: try receipts, clock: clock) }
    }

    public var deliveries: Deliveries {
        get throws {
            Deliveries(
                store: database, signer: try treeHeadSigner, sealer: try sealer, baseURL: settings.baseURL,
                threshold: settings.smallCountThreshold, notices: try organizerNotices)
        }
    }

    /// Delivery packages, each export written to the audit log.
    public var packageExports: PackageExports {
        get throws { PackageExports(deliveries: try deliveries, store: database, clock: clock) }
    }

    /// Paper batches, imported and voided from the command line. Their signatures go through
    /// the same write path as online ones; no writer loop is needed for that.
    public var paperBatches: PaperBatches {
        get throws {
            let database = self.database
            let writer = SignatureWriter(
                store: database, petitions: { try await database.petition(id: $0) }, mailer: try signerMail,
                receipts: try receipts, counts: SignatureCounts(store: database), logger: logger,
                notices: try organizerNotices, clock: clock)
            return PaperBatches(
                store: database, writer: writer, sealer: try sealer,
                fingerprinter: EmailFingerprinter(key: try secret.key(for: .emailFingerprint)), receipts: try receipts,
                clock: clock)
        }
    }

    /// The retention policy, applied once.
    public var purge: Purge {
        Purge(signatures: database, policy: RetentionPolicy(settings: settings), clock: clock)
    }

    /// The part in `slot`, made by the first caller; later callers get the same one.
    private func keep<Part: Sendable>(_ slot: WritableKeyPath<Kept, Part?>, make: () throws -> Part) rethrows -> Part {
        if let part = kept.withLock({ $0[keyPath: slot] }) { return part }
        let part = try make()
        return kept.withLock { kept in
            if let first = kept[keyPath: slot] { return first }
            kept[keyPath: slot] = part
            return part
        }
    }

    private func makeMailTransport() throws -> any MailTransport {
        var composer = MailComposer(identity: MailIdentity(from: settings.mailFrom, replyTo: settings.mailReplyTo))
        if let keyFile = settings.dkimKeyFile, let selector = settings.dkimSelector {
            let pem: String
            do {
                pem = try String(contentsOfFile: keyFile, encoding: .utf8)
            } catch {
                throw SettingsError(description: "cannot read the DKIM key file \(keyFile)")
            }
            composer.dkim = try DKIMSigner(pem: pem, domain: settings.dkimDomain, selector: selector)
        }
        switch settings.mailTransport {
        case .file:
            return try FileMailTransport(directory: settings.mailDirectory, composer: composer)
        case .log:
            return LogMailTransport(logger: logger)
        case .smtp:
            guard let server = settings.smtpServer else {
                throw SettingsError(description: "the smtp mail transport needs --smtp-url")
            }
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
}
