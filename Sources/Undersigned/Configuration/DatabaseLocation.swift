import Foundation

/// Which database an instance uses, parsed from `sqlite://PATH` or
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=require]`.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public init(url: String) throws {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw SettingsError(description: "sqlite URL needs a file path: sqlite://undersigned.sqlite")
            }
            self = .sqlite(path: path.removingPercentEncoding ?? path)
            return
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else {
            throw SettingsError(description: "database URL must start with sqlite:// or postgres://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw SettingsError(description: "postgres URL needs a host")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw SettingsError(description: "postgres port must be between 1 and 65535")
        }
        var username = "postgres"
        if let encodedUser = components.percentEncodedUser {
            guard let user = encodedUser.removingPercentEncoding, !user.isEmpty else {
                throw SettingsError(description: "postgres URL's user name is empty or badly percent-encoded")
            }
            username = user
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "require"].contains(sslMode) else {
            throw SettingsError(description: "sslmode must be disable or require")
        }
        self = .postgres(
            PostgresLocation(
                host: host,
                port: components.port ?? 5432,
                username: username,
                password: components.percentEncodedPassword?.removingPercentEncoding,
                database: database.isEmpty ? "undersigned" : database,
                requireTLS: sslMode == "require"
            ))
    }
}

public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool

    public init(
        host: String, port: Int, username: String, password: String?, database: String, requireTLS: Bool = false
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
    }
}
