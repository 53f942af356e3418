import Foundation
import Logging
import ServiceLifecycle

/// Everything Undersigned keeps, behind one handle. ``SQLStore`` implements it over SQLite
/// and PostgreSQL; pick one with ``openDatabase(_:logger:)``.
public protocol Database: PetitionStore, PetitionEditingStore, SignatureStore, OutboxStore, DataKeyStore, SignatureReviewStore, SignatureLogStore, DeliveryStore,
    TargetStore, AnnouncementStore, AbuseStore, AccountStore, OrganizationStore, AuditStore, ReportStore, UpdateStore, DashboardStore,
    SignatureExportStore
{
    /// Applies the migrations this database has not seen yet.
    func migrate() async throws
    /// The schema versions applied so far, in order.
    func appliedMigrations() async throws -> [Int]
    /// Whether a trivial query succeeds right now.
    func isReachable() async -> Bool
    /// What must run for the database to work (PostgreSQL's connection pool).
    var services: [any Service] { get }
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
    try await withDatabase(settings: settings, logger: logger) { database in
        try await database.migrate()
        return try await database.appliedMigrations()
    }
}

/// Runs `body` with an open database whose own services run meanwhile, then closes it:
/// for commands that use the database outside of `serve`.
public func withDatabase<Result: Sendable>(
    settings: Settings, logger: Logger, _ body: @Sendable (any Database) async throws -> Result
) async throws -> Result {
    let database = try await openDatabase(settings.database, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for service in database.services {
            group.addTask { try await service.run() }
        }
        defer { group.cancelAll() }
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}
