import Foundation

/// The mail server to send through, parsed from `smtp://USER:PASSWORD@HOST:PORT` (STARTTLS
/// when offered, required when credentials are given) or `smtps://…` (TLS from the first
/// byte). User and password are percent-decoded, and never logged.
public struct SMTPServerLocation: Sendable, Equatable {
    public enum Security: String, Sendable {
        /// Plain connection upgraded with STARTTLS (port 587 by default).
        case startTLS
        /// TLS from the first byte (port 465 by default).
        case implicitTLS
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
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme)
        else {
            throw SettingsError(description: "SMTP URL must look like smtp://USER:PASSWORD@HOST:PORT or smtps://…")
        }
        guard let host = components.host, !host.isEmpty else { throw SettingsError(description: "SMTP URL needs a host") }
        let security: Security = scheme == "smtps" ? .implicitTLS : .startTLS
        let port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else { throw SettingsError(description: "SMTP port must be between 1 and 65535") }
        let username = components.percentEncodedUser?.removingPercentEncoding
        let password = components.percentEncodedPassword?.removingPercentEncoding
        guard (username == nil) == (password == nil) else { throw SettingsError(description: "SMTP URL needs both a user and a password, or neither") }
        self.init(host: host, port: port, security: security, username: username, password: password)
    }

    var credentials: (username: String, password: String)? {
        guard let username, let password else { return nil }
        return (username, password)
    }
}

/// Redacts the credentials when the location is printed.
extension SMTPServerLocation: CustomStringConvertible {
    public var description: String {
        "\(security == .implicitTLS ? "smtps" : "smtp")://\(credentials == nil ? "" : "***@")\(host):\(port)"
    }
}
