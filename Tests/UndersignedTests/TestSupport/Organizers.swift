import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// What organizers and admins do in a browser, and accounts made as the command line makes them.
extension TestInstance {
    static let password = "correct horse battery"

    @discardableResult
    func createAccount(
        _ email: String, name: String? = nil, admin: Bool = false, password: String = TestInstance.password
    ) async throws -> Account {
        try await Undersigned.createAccount(
            settings: settings, name: name ?? String(email.split(separator: "@")[0]), email: email, password: password,
            isAdmin: admin,
            logger: TestDatabase.logger)
    }

    /// The invitation of an emailed link, as stored.
    func invitation(link: String) async throws -> Invitation? {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var found: Invitation?
        try await withServices(of: store) {
            found = try await store.invitation(
                tokenHash: SecretToken.hash(of: String(link.split(separator: "/").last ?? ""))!)
        }
        return found
    }

    /// The audit log as stored, newest first.
    func auditActions(organizationID: UUID? = nil) async throws -> [AuditAction] {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var actions: [AuditAction] = []
        try await withServices(of: store) {
            actions = try await store.auditEntries(organizationID: organizationID, limit: 1000).map(\.event.action)
        }
        return actions
    }
}

extension Browser {
    var sessionCookieName: String { "undersigned_session" }

    /// The session cookie this browser holds.
    var sessionToken: String? { cookie(sessionCookieName) }

    /// Opens the sign-in form and submits it.
    @discardableResult
    func signIn(_ email: String, password: String = TestInstance.password, next: String? = nil) async throws -> Page {
        let form = try await get("/account/sign-in" + (next.map { "?next=\($0)" } ?? ""))
        return try await post(
            "/account/sign-in",
            form: [
                ("csrf", form.field("csrf") ?? ""), ("next", form.field("next") ?? ""), ("email", email),
                ("password", password),
            ])
    }

    /// Submits the form at `path` (the first one on the page, or the one posting to `action`).
    @discardableResult
    func submit(_ path: String, action: String? = nil, _ fields: [(String, String)] = []) async throws -> Page {
        let page = try await get(path)
        return try await post(action ?? (page.formAction ?? path), form: [("csrf", page.field("csrf") ?? "")] + fields)
    }

    @discardableResult
    func createOrganization(_ name: String, slug: String) async throws -> Page {
        try await submit("/org/new", [("name", name), ("slug", slug)])
    }

    /// Invites `email` as an owner, and returns the emailed link's path.
    func invite(_ email: String, role: OrganizationRole, to slug: String) async throws -> String {
        let before = mailbox.messages(to: email).count
        let sent = try await submit(
            "/org/\(slug)", action: "/org/\(slug)/invitations", [("email", email), ("role", role.rawValue)])
        #expect(sent.status == .seeOther)
        let messages = try await mailbox.waitForMessages(to: email, count: before + 1)
        return try #require(messages.last?.link(to: "invitations"))
    }
}

extension Mailbox.Message {
    /// The path of the emailed link under `/prefix/`.
    func link(to prefix: String) -> String? {
        let pattern = #"http://undersigned\.test(/"# + prefix + #"/[A-Za-z0-9_-]+)"#
        guard let range = raw.range(of: pattern, options: .regularExpression) else { return nil }
        return String(raw[range].dropFirst("http://undersigned.test".count))
    }
}
