import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// Petitions written as organizers write them, what moderators and reporting visitors do
/// in a browser, and what is stored of it.
extension TestInstance {
    static let arabicTitle = "أوقفوا الإفلات من العقاب على العنف الجنسي ضد الأطفال"

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
        try await withServices(of: store) {
            entries = try await store.auditEntries(organizationID: organizationID, limit: 1000)
        }
        return entries
    }
}

extension Browser {
    /// Writes a petition in Arabic with two targets and a body whose script must never reach
    /// a page, as an organizer of `organization` does, and submits it; returns its slug.
    func submitArabicPetition(in organization: String) async throws -> String {
        let slug = try await createPetition(
            in: organization,
            Browser.petitionForm(
                title: TestInstance.arabicTitle, summary: "ملخص العريضة: تحقيق مستقل الآن.",
                body:
                    "We ask for **an independent investigation**.\n\n<script>alert('body')</script>\n\nSecond paragraph.",
                language: "ar",
                targets: [
                    ("António Guterres", "Secretary-General"),
                    ("Letitia Anderson", "UN Action against Sexual Violence in Conflict"),
                ]))
        #expect(try await press("submit", petition: slug, in: organization).status == .seeOther)
        return slug
    }

    /// Presses one of the moderator's buttons for the petition, from its moderation page.
    @discardableResult
    func moderate(_ slug: String, _ action: String, reason: String? = nil, from: String = "petition") async throws
        -> Page
    {
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
