import Foundation
import Testing

@testable import Undersigned

/// Signatures gathered on paper: counted through the same write path and log as online
/// ones, shown apart, and voided whole.
@Suite("Paper batches")
struct PaperBatchTests {
    static let provenance = PaperProvenance(
        collectedBy: "Volunteers of Gaziantep", place: "Gaziantep",
        collectedOn: ISO8601DateFormatter.day.string(from: Date().addingTimeInterval(-86_400)))

    @Test(
        "a batch counts through the signature log, is shown apart, leaves out who signed already, and is voided whole",
        arguments: TestDatabase.all)
    func importAndVoid(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "amal@example.org")
            let sheet = """
                name,country,email,show_name
                Amal Haddad,SY,Amal@Example.org,yes
                Jean Dupont,France,,no
                "Rania, of Homs",sy,rania@example.org,
                """
            let batch = try await Self.onInstance(instance) { paper, petition in
                try await paper.importFile(Array(sheet.utf8), into: petition, provenance: Self.provenance)
            }
            #expect(batch.signerRows == 3)
            #expect(batch.counted == 2, "Amal signed online already")

            let counted = try await Self.waitForAPI(browser) { $0.signatureCount == 3 && $0.paperSignatureCount == 2 }
            #expect(counted.signatureCount == 3 && counted.paperSignatureCount == 2)
            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.body.contains(#"<strong class="count">3</strong>"#))
            #expect(page.body.contains("of which 2 on paper"))
            try await Self.expectLogValid(instance, count: 3)
            #expect(try await instance.auditActions().contains(.paperBatchImported))

            let listed = try await Self.onInstance(instance) { _, petition in
                try await instance.withStore { try await $0.paperBatches(petitionID: petition.id) }
            }
            #expect(listed.map(\.id) == [batch.id])
            #expect(listed.first?.collectedBy == "Volunteers of Gaziantep")
            #expect(listed.first?.counted == 2)

            let voided = try await Self.onInstance(instance) { paper, _ in
                try await paper.void(batch.id, reason: "The forms were copied from another list.")
            }
            #expect(voided.uncounted == 2)
            await #expect(throws: PaperBatchError.alreadyVoid) {
                _ = try await Self.onInstance(instance) { paper, _ in try await paper.void(batch.id, reason: "again") }
            }
            let after = try await Self.waitForAPI(browser) { $0.signatureCount == 1 && $0.paperSignatureCount == 0 }
            #expect(after.signatureCount == 1 && after.paperSignatureCount == 0)
            #expect(!(try await browser.get(TestInstance.seedPath).body.contains("on paper")))
            try await Self.expectLogValid(instance, count: 1)
            #expect(try await instance.auditActions().contains(.paperBatchVoided))
            let void = try await instance.withStore { try await $0.paperBatch(id: batch.id) }
            #expect(void?.voidReason == "The forms were copied from another list.")
            #expect(void?.voidedAt != nil)
        }
    }

    @Test(
        "a file with bad lines is refused whole, each line named, and nothing of it is stored",
        arguments: TestDatabase.all)
    func refusedWhole(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let sheet = """
                name,country,email
                Amal Haddad,SY,amal@example.org
                Nobody,Atlantis,
                ,SY,
                Amal again,SY,AMAL@example.org
                Jean,FR,not-an-address
                """
            await #expect(
                throws: PaperSheet.Problems([
                    .init(line: 3, message: "“Atlantis” is not a country: use its two-letter code, such as SY"),
                    .init(line: 4, message: "the name is empty"),
                    .init(line: 5, message: "the same email as line 2"),
                    .init(line: 6, message: "“not-an-address” is not an email address"),
                ])
            ) {
                _ = try await Self.onInstance(instance) { paper, petition in
                    try await paper.importFile(Array(sheet.utf8), into: petition, provenance: Self.provenance)
                }
            }
            await #expect(throws: PaperBatchError.badDate("2026-02-30")) {
                _ = try await Self.onInstance(instance) { paper, petition in
                    try await paper.importFile(
                        Array("name,country\nA,SY\n".utf8), into: petition,
                        provenance: PaperProvenance(collectedBy: "V", place: "P", collectedOn: "2026-02-30"))
                }
            }
            let batches = try await instance.withStore { store in
                try await store.paperBatches(
                    petitionID: try #require(try await store.petition(slug: TestInstance.seedSlug)).id)
            }
            #expect(batches.isEmpty)
            #expect(try await browser.apiCount() == 0)
        }
    }

    // MARK: Helpers

    struct Counts: Decodable {
        var signatureCount: Int
        var paperSignatureCount: Int
    }

    /// Counts are cached for a moment; this polls the API until `done` holds, or 15 seconds.
    static func waitForAPI(_ browser: Browser, until done: (Counts) -> Bool) async throws -> Counts {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            let response = try await browser.get("/api/v1/petitions/\(TestInstance.seedSlug)")
            let counts = try JSONDecoder().decode(Counts.self, from: Data(response.body.utf8))
            if done(counts) || ContinuousClock.now > deadline { return counts }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Runs `body` with the paper batches of another handle on the test instance, as the
    /// command line does.
    static func onInstance<Value: Sendable>(
        _ instance: TestInstance, _ body: @Sendable (PaperBatches, Petition) async throws -> Value
    ) async throws -> Value {
        try await Instance.run(settings: instance.settings, logger: TestDatabase.logger) { opened in
            try await opened.loadDataKeys()
            let petition = try #require(try await opened.database.petition(slug: TestInstance.seedSlug))
            return try await body(try opened.paperBatches, petition)
        }
    }

    static func expectLogValid(_ instance: TestInstance, count: Int) async throws {
        let report = try await Instance.run(settings: instance.settings, logger: TestDatabase.logger) { opened in
            let petition = try #require(try await opened.database.petition(slug: TestInstance.seedSlug))
            return try await opened.logVerifier.verify(petitionID: petition.id)
        }
        #expect(report.isValid, "\(report.problems)")
        #expect(report.count == count)
    }
}

extension ISO8601DateFormatter {
    /// `YYYY-MM-DD`, in UTC.
    static var day: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter
    }
}
