import ServiceLifecycle
import Undersigned

/// Runs `body` while the database's own services (PostgreSQL's pool) run, then closes it.
func withServices(of database: any Database, _ body: () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for service in database.services {
            group.addTask { try await service.run() }
        }
        await database.servicesStarted()
        do {
            try await body()
        } catch {
            group.cancelAll()
            await database.close()
            throw error
        }
        group.cancelAll()
        await database.close()
    }
}
