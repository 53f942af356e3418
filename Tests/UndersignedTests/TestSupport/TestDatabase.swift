import Foundation
import Logging
import PostgresNIO
import Testing
import Undersigned

/// The databases every storage-touching test runs against: SQLite always, PostgreSQL when
/// `UNDERSIGNED_TEST_POSTGRES_URL` names a server (scripts/test starts one).
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var all: [TestDatabase] {
        let environment = ProcessInfo.processInfo.environment
        if environment["UNDERSIGNED_TEST_POSTGRES_URL"] != nil { return [.sqlite, .postgres] }
        precondition(
            environment["UNDERSIGNED_TEST_REQUIRE_POSTGRES"] != "1",
            "UNDERSIGNED_TEST_REQUIRE_POSTGRES is set but UNDERSIGNED_TEST_POSTGRES_URL is not")
        return [.sqlite]
    }

    /// A new, empty database of this kind.
    func makeEmpty(in directory: URL) async throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            return .sqlite(path: directory.appendingPathComponent("test.sqlite").path)
        case .postgres:
            guard
                case .postgres(let server) = try DatabaseLocation(
                    url: ProcessInfo.processInfo.environment["UNDERSIGNED_TEST_POSTGRES_URL"]!)
            else { preconditionFailure("UNDERSIGNED_TEST_POSTGRES_URL is not a postgres:// URL") }
            let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            try await StallReport.during("creating the database \(name)") {
                try await Self.onServer(server) { connection in
                    try await connection.query("CREATE DATABASE \(unescaped: name)", logger: Self.logger)
                }
            }
            var location = server
            location.database = name
            return .postgres(location)
        }
    }

    static func onServer(_ server: PostgresLocation, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: server.host, port: server.port, username: server.username, password: server.password,
                database: server.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static let logger = Logger(label: "undersigned.tests")
}
