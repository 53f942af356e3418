import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Petitions made through the editor as an organizer makes them, and what moderators do in
/// a browser.
extension TestInstance {
    static let arabicTitle = "أوقفوا الإفلات من العقاب على العنف الجنسي ضد الأطفال"

    /// Two targets, a body with Markdown and a script that must never reach a page.
    static func content(title: String = TestInstance.arabicTitle, language: String = "ar") -> PetitionContent {
        PetitionContent(
            title: title, summary: "ملخص العريضة: تحقيق مستقل الآن.",
            bodyMarkdown: "We ask for **an independent investigation**.\n\n<script>alert('body')</script>\n\nSecond paragraph.", language: language,
            goal: 1_000,
            targets: [
                Target(name: "António Guterres", role: "Secretary-General", organization: "United Nations"),
                Target(name: "Letitia Anderson", role: "UN Action against Sexual Violence in Conflict"),
            ])
    }

    /// A petition of the organization at `organizationSlug`, written by `email` through the
    /// editor and, unless `submitted` is false, submitted (waiting for review, as the
    /// instance requires it by default).
    func writePetition(
        in organizationSlug: String, by email: String, content: PetitionContent = TestInstance.content(), submitted: Bool = true
    ) async throws -> Petition {
        let author = try #require(try await account(email))
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var written: Petition?
        try await withServices(of: store) {
            let organization = try #require(try await store.organization(slug: organizationSlug))
            let editor = PetitionEditor(store: store, review: settings.petitionReview, clock: clock.wallClock)
            let petition = try await editor.create(content, in: organization, by: author)
            if submitted { try await editor.apply(.submit, to: petition.id, reason: nil, by: author) }
            written = try await store.petition(id: petition.id)
        }
        return try #require(written)
    }

    /// The petition as stored now.
    func storedPetition(_ slug: String) async throws -> Petition? {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var found: Petition?
        try await withServices(of: store) { found = try await store.petition(slug: slug) }
        return found
    }

    /// Reports not yet resolved, as stored.
    func openReports() async throws -> [PetitionReport] {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var reports: [PetitionReport] = []
        try await withServices(of: store) { reports = try await store.openReports(petitionID: nil) }
        return reports
    }

    /// The audit log as stored, newest first.
    func auditEvents(organizationID: UUID? = nil) async throws -> [AuditEntry] {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var entries: [AuditEntry] = []
        try await withServices(of: store) { entries = try await store.auditEntries(organizationID: organizationID, limit: 1000) }
        return entries
    }
}

extension Browser {
    /// Presses one of the moderator's buttons for the petition, from its moderation page.
    @discardableResult
    func moderate(_ slug: String, _ action: String, reason: String? = nil, from: String = "petition") async throws -> Page {
        // A page with no decision left has no form: the account page's token is as good.
        var token = try await get("/admin/petitions/\(slug)").field("csrf")
        if token == nil { token = try await get("/account").field("csrf") }
        var form = [("csrf", token ?? ""), ("from", from)]
        if let reason { form.append(("reason", reason)) }
        return try await post("/admin/petitions/\(slug)/\(action)", form: form)
    }

    /// Sends the report form of the petition.
    @discardableResult
    func report(_ slug: String, reason: String?, details: String = "") async throws -> Page {
        let page = try await get("/p/\(slug)/report")
        var form = [("csrf", page.field("csrf") ?? ""), ("details", details)]
        if let reason { form.append(("reason", reason)) }
        return try await post("/p/\(slug)/report", form: form)
    }
}
