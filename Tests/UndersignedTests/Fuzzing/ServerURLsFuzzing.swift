@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// The mail server's and the database's URLs, as an operator sets them. An accepted SMTP
/// URL has a host and a port from 1 to 65535 and prints without its credentials; an
/// accepted database URL names a file, or a host and a port from 1 to 65535.
enum ServerURLsFuzzing: FuzzCheck {
    static let maxLength = 512

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        if let server = try? SMTPServerLocation(url: text) {
            Fuzz.expect(
                !server.host.isEmpty && (1...65535).contains(server.port), "server \(server.host):\(server.port)")
            Fuzz.expect(
                (server.username == nil) == (server.password == nil),
                "a user without a password, or the other way round")
            let scheme = server.security == .implicitTLS ? "smtps" : "smtp"
            let expected = "\(scheme)://\(server.credentials == nil ? "" : "***@")\(server.host):\(server.port)"
            Fuzz.expect(
                server.description == expected,
                "\(server.description.debugDescription) is not \(expected.debugDescription)")
        }
        if let database = try? DatabaseLocation(url: text) {
            switch database {
            case .sqlite(let path):
                Fuzz.expect(!path.isEmpty, "an empty SQLite path")
            case .postgres(let location):
                Fuzz.expect(
                    !location.host.isEmpty && (1...65535).contains(location.port),
                    "database at \(location.host):\(location.port)")
                Fuzz.expect(
                    !location.database.isEmpty && !location.username.isEmpty,
                    "database \(location.database), user \(location.username)")
            }
        }
    }
}
