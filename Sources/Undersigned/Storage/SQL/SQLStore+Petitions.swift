import Foundation
import SQLKit

/// Petitions: reading them with their targets, responses, amendments, updates and image, and the
/// organizers' and moderators' changes.
extension SQLStore {
    func insert(_ petition: Petition) async throws {
        try await driver.transaction { db in
            guard try await SQLPetitionTransaction(db: db, flavor: driver.flavor).insert(petition) else {
                throw CorruptRecord(description: "another petition has the address \(petition.slug)")
            }
        }
    }

    func petition(slug: String) async throws -> Petition? {
        try await driver.read { db in
            try await Self.petitions(in: db, where: "slug = \(bind: slug)").first
        }
    }

    func petition(id: UUID) async throws -> Petition? {
        try await driver.read { db in
            try await Self.petitions(in: db, where: "id = \(bind: id.text)").first
        }
    }

    func openPetitions() async throws -> [Petition] {
        try await driver.read { db in
            try await Self.petitions(
                in: db, where: "state = \(bind: PetitionState.open.rawValue)",
                orderBy: "signature_count DESC, created_at")
        }
    }

    func petitions(organizationID: UUID) async throws -> [Petition] {
        try await driver.read { db in
            try await Self.petitions(
                in: db, where: "organization_id = \(bind: organizationID.text)", orderBy: "created_at DESC")
        }
    }

    func petitions(in state: PetitionState) async throws -> [Petition] {
        try await driver.read { db in
            try await Self.petitions(
                in: db, where: "state = \(bind: state.rawValue)", orderBy: "state_changed_at, created_at")
        }
    }

    func petitionsWithTranslationsAwaitingReview() async throws -> [Petition] {
        try await driver.read { db in
            try await Self.petitions(
                in: db,
                where: """
                    state NOT IN (\(bind: PetitionState.draft.rawValue), \(bind: PetitionState.pendingReview.rawValue), \(bind: PetitionState.takenDown.rawValue))
                    AND id IN (SELECT petition_id FROM petition_translations WHERE approved_at IS NULL)
                    """,
                orderBy: "created_at")
        }
    }

    func petitionCount() async throws -> Int {
        try await driver.read { db in
            try await db.count("SELECT COUNT(*) AS n FROM petitions")
        }
    }

    func countryCounts(petitionID: UUID) async throws -> [String: Int] {
        try await driver.read { db in
            var counts: [String: Int] = [:]
            for row in try await db.raw(
                "SELECT country, confirmed FROM country_counts WHERE petition_id = \(bind: petitionID.text)"
            ).all() {
                counts[try row.decode(column: "country", as: String.self)] = try row.decode(
                    column: "confirmed", as: Int.self)
            }
            return counts
        }
    }

    func signatureCount(petitionID: UUID) async throws -> Int {
        try await driver.read { db in
            try await db.raw("SELECT signature_count FROM petitions WHERE id = \(bind: petitionID.text)").first()?
                .decode(column: "signature_count", as: Int.self) ?? 0
        }
    }

    func petitionTransaction<Result: Sendable>(_ body: @Sendable (any PetitionTransaction) async throws -> Result)
        async throws -> Result
    {
        try await driver.transaction { db in
            try await body(SQLPetitionTransaction(db: db, flavor: driver.flavor))
        }
    }

    func image(petitionID: UUID) async throws -> PetitionImage? {
        try await driver.read { db in
            guard
                let row = try await db.raw(
                    "SELECT content_type, width, height, alt_text, bytes FROM petition_images WHERE petition_id = \(bind: petitionID.text)"
                ).first()
            else { return nil }
            return PetitionImage(
                format: try PetitionImage.Format(stored: row.decode(column: "content_type", as: String.self)),
                width: try row.decode(column: "width", as: Int.self),
                height: try row.decode(column: "height", as: Int.self),
                altText: try row.decode(column: "alt_text", as: String.self),
                bytes: Array(try row.decode(column: "bytes", as: Data.self)))
        }
    }

    static let petitionColumns =
        "id, slug, state, language, title, summary, body_markdown, organizer, goal, organization_id, state_reason, state_changed_at, created_at"

    static func petitions(
        in db: any SQLDatabase, where condition: SQLQueryString, orderBy: String = "created_at", suffix: String = ""
    ) async throws -> [Petition] {
        let rows = try await db.raw(
            "SELECT \(unsafeRaw: petitionColumns) FROM petitions WHERE " + condition
                + " ORDER BY \(unsafeRaw: orderBy) \(unsafeRaw: suffix)"
        ).all()
        var petitions: [Petition] = []
        for row in rows {
            let id = try UUID(text: row.decode(column: "id", as: String.self))
            petitions.append(
                Petition(
                    id: id,
                    slug: try row.decode(column: "slug", as: String.self),
                    state: try PetitionState(stored: row.decode(column: "state", as: String.self)),
                    language: try row.decode(column: "language", as: String.self),
                    title: try row.decode(column: "title", as: String.self),
                    summary: try row.decode(column: "summary", as: String.self),
                    bodyMarkdown: try row.decode(column: "body_markdown", as: String.self),
                    organizer: try row.decode(column: "organizer", as: String.self),
                    goal: try row.decode(column: "goal", as: Int.self),
                    targets: try await targets(in: db, petitionID: id),
                    responses: try await Self.responses(in: db, petitionID: id),
                    amendments: try await amendments(in: db, petitionID: id),
                    updates: try await Self.updates(in: db, petitionID: id),
                    translations: try await translations(in: db, petitionID: id, approved: true),
                    translationsAwaitingReview: try await translations(in: db, petitionID: id, approved: false),
                    organizationID: try row.decode(column: "organization_id", as: String?.self).map(UUID.init(text:)),
                    stateReason: try row.decode(column: "state_reason", as: String?.self),
                    stateChangedAt: try row.decode(column: "state_changed_at", as: Int64?.self).map(Date.init(millis:)),
                    image: try await imageReference(in: db, petitionID: id),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self))))
        }
        return petitions
    }

    private static func targets(in db: any SQLDatabase, petitionID: UUID) async throws -> [Target] {
        try await db.raw(
            "SELECT name, role, organization, contact FROM targets WHERE petition_id = \(bind: petitionID.text) ORDER BY position"
        )
        .all().map { target in
            Target(
                name: try target.decode(column: "name", as: String.self),
                role: try target.decode(column: "role", as: String.self),
                organization: try target.decode(column: "organization", as: String.self),
                contact: try target.decode(column: "contact", as: String?.self))
        }
    }

    private static func amendments(in db: any SQLDatabase, petitionID: UUID) async throws -> [Amendment] {
        try await db.raw(
            "SELECT id, body_markdown, created_at FROM amendments WHERE petition_id = \(bind: petitionID.text) ORDER BY created_at, id"
        ).all().map { row in
            Amendment(
                id: try UUID(text: row.decode(column: "id", as: String.self)),
                bodyMarkdown: try row.decode(column: "body_markdown", as: String.self),
                createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    private static func translations(in db: any SQLDatabase, petitionID: UUID, approved: Bool) async throws
        -> [PetitionTranslation]
    {
        try await db.raw(
            """
            SELECT language, title, summary, body_markdown FROM petition_translations
            WHERE petition_id = \(bind: petitionID.text) AND approved_at IS \(unsafeRaw: approved ? "NOT NULL" : "NULL") ORDER BY language
            """
        ).all().map { row in
            PetitionTranslation(
                language: try row.decode(column: "language", as: String.self),
                title: try row.decode(column: "title", as: String.self),
                summary: try row.decode(column: "summary", as: String.self),
                bodyMarkdown: try row.decode(column: "body_markdown", as: String.self))
        }
    }

    private static func imageReference(in db: any SQLDatabase, petitionID: UUID) async throws -> PetitionImage
        .Reference?
    {
        try await db.raw(
            "SELECT digest, width, height, alt_text FROM petition_images WHERE petition_id = \(bind: petitionID.text)"
        ).first()
            .map { row in
                PetitionImage.Reference(
                    digest: try row.decode(column: "digest", as: String.self),
                    width: try row.decode(column: "width", as: Int.self),
                    height: try row.decode(column: "height", as: Int.self),
                    altText: try row.decode(column: "alt_text", as: String.self))
            }
    }
}

struct SQLPetitionTransaction: PetitionTransaction {
    let db: any SQLDatabase
    let flavor: SQLFlavor

    func insert(_ petition: Petition) async throws -> Bool {
        let inserted =
            try await db.raw(
                """
                INSERT INTO petitions (id, slug, state, language, title, summary, body_markdown, organizer, goal, organization_id, created_at,
                                       state_changed_at, updated_at)
                VALUES (\(bind: petition.id.text), \(bind: petition.slug), \(bind: petition.state.rawValue), \(bind: petition.language),
                        \(bind: petition.title), \(bind: petition.summary), \(bind: petition.bodyMarkdown), \(bind: petition.organizer),
                        \(bind: petition.goal), \(bind: petition.organizationID?.text), \(bind: petition.createdAt.millis),
                        \(bind: petition.createdAt.millis), \(bind: petition.createdAt.millis))
                ON CONFLICT (slug) DO NOTHING RETURNING id
                """
            ).first() != nil
        guard inserted else { return false }
        try await db.raw(
            "INSERT INTO log_state (petition_id, size, frontier, confirmed) VALUES (\(bind: petition.id.text), 0, \(bind: Data()), 0)"
        ).run()
        try await insertTargets(petition.targets, petitionID: petition.id)
        return true
    }

    func lockedPetition(id: UUID) async throws -> Petition? {
        try await SQLStore.petitions(in: db, where: "id = \(bind: id.text)", suffix: flavor.lockRows).first
    }

    func update(petitionID: UUID, content: PetitionContent, at date: Date) async throws {
        try await db.raw(
            """
            UPDATE petitions SET title = \(bind: content.title), summary = \(bind: content.summary), body_markdown = \(bind: content.bodyMarkdown),
                language = \(bind: content.language), goal = \(bind: content.goal), updated_at = \(bind: date.millis)
            WHERE id = \(bind: petitionID.text)
            """
        ).run()
        try await db.raw("DELETE FROM targets WHERE petition_id = \(bind: petitionID.text)").run()
        try await insertTargets(content.targets, petitionID: petitionID)
    }

    func setOrganization(petitionID: UUID, organization: Organization) async throws {
        try await db.raw(
            """
            UPDATE petitions SET organization_id = \(bind: organization.id.text), organizer = \(bind: organization.name)
            WHERE id = \(bind: petitionID.text)
            """
        ).run()
    }

    func setState(petitionID: UUID, to state: PetitionState, reason: String?, at date: Date) async throws {
        try await db.raw(
            """
            UPDATE petitions SET state = \(bind: state.rawValue), state_reason = \(bind: reason), state_changed_at = \(bind: date.millis)
            WHERE id = \(bind: petitionID.text)
            """
        ).run()
    }

    func save(_ translation: PetitionTranslation, petitionID: UUID, approved: Bool, at date: Date) async throws {
        let approvedAt: Int64? = approved ? date.millis : nil
        try await db.raw(
            """
            INSERT INTO petition_translations (petition_id, language, title, summary, body_markdown, created_at, updated_at, approved_at)
            VALUES (\(bind: petitionID.text), \(bind: translation.language), \(bind: translation.title), \(bind: translation.summary),
                    \(bind: translation.bodyMarkdown), \(bind: date.millis), \(bind: date.millis), \(bind: approvedAt))
            ON CONFLICT (petition_id, language) DO UPDATE SET title = excluded.title, summary = excluded.summary,
                body_markdown = excluded.body_markdown, updated_at = excluded.updated_at, approved_at = excluded.approved_at
            """
        ).run()
    }

    func approveTranslations(petitionID: UUID, languages: [String]?, at date: Date) async throws {
        let only: SQLQueryString = languages.map { "AND language IN (\(binds: $0))" } ?? ""
        guard languages?.isEmpty != true else { return }
        try await db.raw(
            """
            UPDATE petition_translations SET approved_at = \(bind: date.millis)
            WHERE petition_id = \(bind: petitionID.text) AND approved_at IS NULL \(only)
            """
        ).run()
    }

    func removeTranslation(language: String, petitionID: UUID) async throws {
        try await db.raw(
            "DELETE FROM petition_translations WHERE petition_id = \(bind: petitionID.text) AND language = \(bind: language)"
        ).run()
    }

    func insert(_ amendment: Amendment, petitionID: UUID, author: UUID?) async throws {
        try await db.raw(
            """
            INSERT INTO amendments (id, petition_id, body_markdown, author_account_id, created_at)
            VALUES (\(bind: amendment.id.text), \(bind: petitionID.text), \(bind: amendment.bodyMarkdown), \(bind: author?.text),
                    \(bind: amendment.createdAt.millis))
            """
        ).run()
    }

    func setImage(_ image: PetitionImage, petitionID: UUID, at date: Date) async throws {
        try await db.raw(
            """
            INSERT INTO petition_images (petition_id, content_type, width, height, digest, alt_text, bytes, updated_at)
            VALUES (\(bind: petitionID.text), \(bind: image.format.rawValue), \(bind: image.width), \(bind: image.height), \(bind: image.digest),
                    \(bind: image.altText), \(bind: Data(image.bytes)), \(bind: date.millis))
            ON CONFLICT (petition_id) DO UPDATE SET content_type = excluded.content_type, width = excluded.width, height = excluded.height,
                digest = excluded.digest, alt_text = excluded.alt_text, bytes = excluded.bytes, updated_at = excluded.updated_at
            """
        ).run()
    }

    func removeImage(petitionID: UUID) async throws {
        try await db.raw("DELETE FROM petition_images WHERE petition_id = \(bind: petitionID.text)").run()
    }

    func record(_ event: AuditEvent) async throws {
        try await db.record(event)
    }

    func enqueue(_ emails: [QueuedEmail]) async throws {
        try await db.enqueue(emails, flavor: flavor)
    }

    private func insertTargets(_ targets: [Target], petitionID: UUID) async throws {
        for (position, target) in targets.enumerated() {
            try await db.raw(
                """
                INSERT INTO targets (petition_id, position, name, role, organization, contact)
                VALUES (\(bind: petitionID.text), \(bind: position), \(bind: target.name), \(bind: target.role),
                        \(bind: target.organization), \(bind: target.contact))
                """
            ).run()
        }
    }
}
