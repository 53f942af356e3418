import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import Undersigned

/// What organizers do with petitions in a browser, and what moderators do to them.
extension Browser {
    /// A petition's editor fields: two targets unless told otherwise.
    static func petitionForm(
        title: String, summary: String = "Why it matters, in a sentence.",
        body: String = "We ask for **one** thing.\n\n- first\n- second",
        language: String = "en", goal: Int = 500,
        targets: [(name: String, role: String)] = [
            ("Security Council", "United Nations"), ("António Guterres", "Secretary-General"),
        ]
    ) -> [(String, String)] {
        var form = [
            ("title", title), ("summary", summary), ("body", body), ("language", language), ("goal", String(goal)),
            ("intent", "save"),
        ]
        for (index, target) in targets.enumerated() {
            form += [
                ("target-\(index)-name", target.name), ("target-\(index)-role", target.role),
                ("target-\(index)-order", String(index + 1)),
            ]
        }
        return form
    }

    /// Signs in as `owner@example.org`, makes the organization `acme` and writes a draft in it;
    /// returns the draft's slug.
    func ownersDraft(title: String = "Clean rivers") async throws -> String {
        try await signIn("owner@example.org")
        try await createOrganization("Acme", slug: "acme")
        return try await createPetition(in: "acme", Browser.petitionForm(title: title))
    }

    /// Writes a new petition of the organization through the editor; returns its slug.
    func createPetition(in organization: String, _ form: [(String, String)]) async throws -> String {
        let saved = try await submit(
            "/org/\(organization)/petitions/new", action: "/org/\(organization)/petitions/new", form)
        #expect(saved.status == .seeOther, "\(saved.body)")
        let location = try #require(saved.location)
        let path = String(location.split(separator: "?")[0])
        return String(try #require(path.split(separator: "/").last))
    }

    /// Presses one of the petition's lifecycle buttons on its management page.
    @discardableResult
    /// Presses one of the petition's buttons, and confirms where it asks (closing does).
    func press(_ action: String, petition slug: String, in organization: String) async throws -> Page {
        let page = "/org/\(organization)/petitions/\(slug)"
        return try await submit(page, action: "\(page)/\(action)", [("confirmed", "yes")])
    }

    /// Posts a `multipart/form-data` form with one file, as a browser sends an upload.
    func upload(
        _ path: String, fields: [(String, String)],
        file: (field: String, filename: String, contentType: String, bytes: [UInt8])?,
        boundary: String = "----undersigned-test-boundary"
    ) async throws -> Page {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.contentType)\r\n\r\n"
                    .utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try await send(
            path, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
            body: ByteBuffer(bytes: body))
    }
}

extension TestInstance {
    /// Makes `owner@example.org` and the admin `admin@example.org`, has the owner write a
    /// petition for a new organization `acme` and submit it, and the admin approve it;
    /// returns the open petition's slug.
    func openPetition(title: String = "Clean rivers") async throws -> String {
        try await createAccount("admin@example.org", admin: true)
        try await createAccount("owner@example.org")
        let slug = try await run { browser in
            try await browser.signIn("owner@example.org")
            try await browser.createOrganization("Acme", slug: "acme")
            let slug = try await browser.createPetition(in: "acme", Browser.petitionForm(title: title))
            #expect(try await browser.press("submit", petition: slug, in: "acme").status == .seeOther)
            return slug
        }
        try await moderate(.approve, slug: slug)
        return slug
    }

    /// Makes a moderator's move on a petition, as the admin `admin@example.org`.
    func moderate(_ transition: PetitionTransition, slug: String, reason: String? = nil) async throws {
        let admin = try #require(try await account("admin@example.org"))
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        try await withServices(of: store) {
            let petition = try #require(try await store.petition(slug: slug))
            try await PetitionEditor(store: store, review: self.settings.petitionReview).apply(
                transition, to: petition.id, reason: reason, by: admin)
        }
    }

    func petition(slug: String) async throws -> Petition? {
        let store = try await openDatabase(settings.database, logger: TestDatabase.logger)
        var petition: Petition?
        try await withServices(of: store) { petition = try await store.petition(slug: slug) }
        return petition
    }
}

/// Small images whose headers are real: enough for the checks, which read only headers.
enum TestImages {
    static func png(width: UInt32 = 3, height: UInt32 = 2) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + bigEndian(width)
            + bigEndian(height)
            + [8, 6, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82]
    }

    static let svg = Array(#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>"#.utf8)

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
