import Crypto
import Foundation
import Logging
import ServiceLifecycle

@testable import Undersigned

/// A migrated database holding the seed petition, with its services running, for tests
/// below the web layer.
struct TestStore: Sendable {
    let database: any Database
    let petition: Petition
    /// The master key, as a line of a key file.
    let masterKeyLine: String
    let dataKeys: DataKeyRing
    var sealer: PersonalDataSealer { PersonalDataSealer(keys: dataKeys) }
    let fingerprinter = EmailFingerprinter(key: SymmetricKey(size: .bits256))
    let receipts = ReceiptCodes(key: SymmetricKey(size: .bits256))
    let logKey = try! LogSigningKey(
        rawRepresentation: Array(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))

    static func with<Value: Sendable>(_ kind: TestDatabase, _ body: @Sendable (TestStore) async throws -> Value)
        async throws -> Value
    {
        let scratch = try ScratchDirectory(named: "store")
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let database = try await openDatabase(try await kind.makeEmpty(in: directory), logger: TestDatabase.logger)
        let seed = try SeedPetition.load(createdAt: Date())
        let masterKeyLine = MasterKeys.newKeyLine().line
        let masterKeys = try MasterKeys(text: masterKeyLine, source: "test")
        let store = TestStore(
            database: database, petition: seed, masterKeyLine: masterKeyLine,
            dataKeys: DataKeyRing(store: database, masterKeys: masterKeys, reloadMasterKeys: { masterKeys }))
        let group = ServiceGroup(
            configuration: .init(services: database.services, gracefulShutdownSignals: [], logger: TestDatabase.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            await database.servicesStarted()
            do {
                try await database.migrate()
                try await database.insert(seed)
                try await store.dataKeys.refresh()
                let value = try await body(store)
                await group.triggerGracefulShutdown()
                await database.close()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                await database.close()
                throw error
            }
        }
    }

    /// Signs the logs that grew, then checks a petition's log, its published count and its
    /// stored counters against its signature rows.
    func verifiedLog(of petitionID: UUID) async throws -> LogVerifier.Report {
        try await TreeHeadSigner(store: database, key: logKey, logger: TestDatabase.logger).signGrownLogs()
        return try await LogVerifier(database: database, key: logKey.publicKey).verify(petitionID: petitionID)
    }

    func writer(capacity: Int = 20_000) -> SignatureWriter {
        SignatureWriter(
            store: database, petitions: { [database] in try await database.petition(id: $0) }, mailer: mailer(),
            receipts: receipts,
            counts: SignatureCounts(store: database), capacity: capacity, logger: TestDatabase.logger)
    }

    func mailer(sealer: PersonalDataSealer? = nil) -> SignerMail {
        SignerMail(
            baseURL: URL(string: "http://undersigned.test")!,
            confirmationLinks: LinkTokens(key: SymmetricKey(size: .bits256)),
            withdrawalLinks: LinkTokens(key: SymmetricKey(size: .bits256)), receipts: receipts,
            unsubscribeLinks: LinkTokens(key: SymmetricKey(size: .bits256)), sealer: sealer ?? self.sealer)
    }

    func queuedEmail(to address: String) throws -> QueuedEmail {
        try mailer().alreadySigned(
            request: SignatureRequest(
                name: "أمل حداد", email: EmailAddress(address)!, country: "SY", showNamePublicly: false,
                wantsUpdates: false),
            petition: petition)
    }

    func job(email: String, at date: Date = Date(), wantsUpdates: Bool = false) throws -> SignatureWriter.SigningJob {
        let request = SignatureRequest(
            name: "Writer Test", email: EmailAddress(email)!, country: "FR", showNamePublicly: false,
            wantsUpdates: wantsUpdates)
        return try SignatureWriter.SigningJob(
            request, on: petition, fingerprinter: fingerprinter, sealer: sealer, at: date)
    }
}

extension TestStore {
    /// Invalidates the petition's signatures from `domain` made in the last minute; returns how many.
    func invalidateRecent(domain: String) async throws -> Int {
        let review = SignatureReview(store: database, sealer: sealer, receipts: receipts)
        let window = Date().addingTimeInterval(-60)...Date().addingTimeInterval(60)
        return try await review.invalidate(petitionID: petition.id, domain: domain, window: window, reason: "test")
            .signatures
    }

    /// Marks the petition delivered long ago and runs the purge of personal data; returns how
    /// many signatures it erased.
    func purgeAsDeliveredLongAgo() async throws -> Int {
        try await SealedRowBindingTests.execute(self, "UPDATE petitions SET state = 'delivered', delivered_at = 0")
        return try await database.erasePersonalData(ofPetitionsDeliveredBefore: Date())
    }
}

/// Runs `service` in a group of its own while `body` runs, then shuts it down gracefully.
func running<Value: Sendable>(
    _ service: any Service, _ body: @Sendable (ServiceGroup) async throws -> Value
) async throws -> Value {
    let group = ServiceGroup(
        configuration: .init(services: [service], gracefulShutdownSignals: [], logger: TestDatabase.logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let value = try await body(group)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
    }
}
