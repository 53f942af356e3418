import Foundation

/// The mail server to send through, parsed from `smtp://USER:PASSWORD@HOST:PORT` (STARTTLS,
/// required: a server that does not offer it gets no message), `smtps://…` (TLS from the
/// first byte) or `smtp://HOST:PORT?tls=none` (in clear, only when the URL says so, and then
/// without credentials). User and password are percent-decoded, and never logged.
public struct SMTPServerLocation: Sendable, Equatable {
    public enum Security: String, Sendable {
        /// Plain connection upgraded with STARTTLS (port 587 by default).
        case startTLS
        /// TLS from the first byte (port 465 by default).
        case implicitTLS
        /// No TLS at all, as `?tls=none` asks: a relay on the same machine, or tests.
        case plain
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }

    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            ["smtp", "smtps"].contains(scheme)
        else {
            throw SettingsError(description: "SMTP URL must look like smtp://USER:PASSWORD@HOST:PORT or smtps://…")
        }
        guard let host = components.host, !host.isEmpty else {
            throw SettingsError(description: "SMTP URL needs a host")
        }
        let security = try Self.security(scheme: scheme, query: components.queryItems ?? [])
        let port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else {
            throw SettingsError(description: "SMTP port must be between 1 and 65535")
        }
        let username = components.percentEncodedUser?.removingPercentEncoding
        let password = components.percentEncodedPassword?.removingPercentEncoding
        guard (username == nil) == (password == nil) else {
            throw SettingsError(description: "SMTP URL needs both a user and a password, or neither")
        }
        guard security != .plain || username == nil else {
            throw SettingsError(
                description:
                    "SMTP URL: credentials are never sent in clear, so ?tls=none cannot have a user and password")
        }
        self.init(host: host, port: port, security: security, username: username, password: password)
    }

    /// `tls=starttls` (the default of `smtp://`) or `tls=none`; anything else is refused
    /// rather than ignored, so a mistyped opt-out never sends in clear or fails silently.
    private static func security(scheme: String, query: [URLQueryItem]) throws -> Security {
        let tls = query.filter { $0.name == "tls" }.map { $0.value?.lowercased() ?? "" }
        guard query.allSatisfy({ $0.name == "tls" }), tls.count <= 1 else {
            throw SettingsError(description: "SMTP URL: the only option is ?tls=none (or ?tls=starttls)")
        }
        switch (scheme, tls.first) {
        case ("smtps", nil): return .implicitTLS
        case ("smtp", nil), ("smtp", "starttls"): return .startTLS
        case ("smtp", "none"): return .plain
        default: throw SettingsError(description: "SMTP URL: ?tls= takes none or starttls, and only with smtp://")
        }
    }

    var credentials: (username: String, password: String)? {
        guard let username, let password else { return nil }
        return (username, password)
    }
}

/// Redacts the credentials when the location is printed.
extension SMTPServerLocation: CustomStringConvertible {
    public var description: String {
        "\(security == .implicitTLS ? "smtps" : "smtp")://\(credentials == nil ? "" : "***@")\(host):\(port)\(security == .plain ? "?tls=none" : "")"
    }
}
