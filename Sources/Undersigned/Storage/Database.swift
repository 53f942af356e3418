import Foundation
import Logging
import ServiceLifecycle

/// Everything Undersigned keeps, behind one handle. ``SQLStore`` implements it over SQLite
/// and PostgreSQL; pick one with ``openDatabase(_:logger:)``.
public protocol Database: PetitionStore, PetitionEditingStore, SignatureStore, OutboxStore, DataKeyStore,
    SignatureReviewStore, SignatureLogStore, DeliveryStore,
    TargetStore, AnnouncementStore, AbuseStore, AccountStore, OrganizationStore, AuditStore, ReportStore, UpdateStore,
    DashboardStore,
    SignatureExportStore, SignatureTallyStore, PaperBatchStore, PartnerKeyStore, OrganizationActivityStore
{
    /// Applies the migrations this database has not seen yet.
    func migrate() async throws
    /// The schema versions applied so far, in order; none for a database with no schema.
    func appliedMigrations() async throws -> [Int]
    /// Whether a trivial query succeeds right now.
    func isReachable() async -> Bool
    /// What must run for the database to work (PostgreSQL's connection pool).
    var services: [any Service] { get }
    /// Returns once ``services`` run: their start is not awaited by whoever starts them.
    func servicesStarted() async
    func close() async
}

public func openDatabase(_ location: DatabaseLocation, logger: Logger) async throws -> any Database {
    switch location {
    case .sqlite(let path):
        return SQLStore(driver: try await SQLiteDriver(path: path, logger: logger))
    case .postgres(let postgres):
        return SQLStore(driver: PostgresDriver(location: postgres, logger: logger))
    }
}

/// Applies pending migrations outside of `serve`; returns the versions applied so far.
public func runMigrations(settings: Settings, logger: Logger) async throws -> [Int] {
    try await Instance.run(settings: settings, logger: logger) { instance in
        try await instance.database.migrate()
        return try await instance.database.appliedMigrations()
    }
}
