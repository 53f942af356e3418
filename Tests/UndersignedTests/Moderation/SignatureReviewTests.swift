import Foundation
import Testing

@testable import Undersigned

@Suite("Reviewing and invalidating signatures")
struct SignatureReviewTests {
    @Test(
        "a flood from one domain shows up, and invalidating it takes only its signatures off the count",
        arguments: TestDatabase.all)
    func floodFromOneDomain(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let writer = store.writer()
            let flood = try (0..<5).map { try store.job(email: "bot\($0)@Spam.Example") }
            let people = try (0..<2).map { try store.job(email: "person\($0)@example.org") }
            try await running(writer) { _ in
                for job in flood + people { _ = try await writer.sign(job) }
                for job in flood.prefix(3) + people.prefix(1) {
                    _ = try await writer.confirm(signatureID: job.signature.id)
                }
            }
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 4)

            let review = SignatureReview(store: store.database, sealer: store.sealer, receipts: store.receipts)
            let window = Date().addingTimeInterval(-3600)...Date().addingTimeInterval(60)
            let domains = try await review.domains(petitionID: store.petition.id, window: window)
            #expect(domains.map(\.domain) == ["spam.example", "example.org"])
            #expect(
                domains[0]
                    == SignatureReview.DomainActivity(domain: "spam.example", pending: 2, confirmed: 3, busiestHour: 5))

            await #expect(throws: SignatureReview.ReviewError.self) {
                try await review.invalidate(
                    petitionID: store.petition.id, domain: "spam.example", window: window, reason: "  ")
            }
            // A window that ended before the flood touches nothing.
            let before = Date().addingTimeInterval(-7200)...Date().addingTimeInterval(-3600)
            #expect(
                try await review.invalidate(
                    petitionID: store.petition.id, domain: "spam.example", window: before, reason: "test"
                ).signatures == 0)

            let invalidation = try await review.invalidate(
                petitionID: store.petition.id, domain: "SPAM.example", window: window,
                reason: "Scripted signups from a throwaway domain")
            #expect(invalidation.signatures == 5)
            #expect(invalidation.criteria.hasPrefix("email domain spam.example"))
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 1)
            #expect(try await store.database.countryCounts(petitionID: store.petition.id) == ["FR": 1])
            for job in flood {
                #expect(try await store.database.signature(id: job.signature.id)?.state == .invalidated)
            }
            #expect(try await store.database.signature(id: people[1].signature.id)?.state == .pending)

            // Invalidated signatures cannot be confirmed afterwards, and a second pass finds nothing.
            let laterWriter = store.writer()
            try await running(laterWriter) { _ in
                let outcome = try await laterWriter.confirm(signatureID: flood[4].signature.id)
                #expect(outcome == .notConfirmable(petitionID: store.petition.id, state: .invalidated))
            }
            #expect(
                try await review.invalidate(
                    petitionID: store.petition.id, domain: "spam.example", window: window, reason: "again"
                ).signatures == 0)
            #expect(
                try await review.domains(petitionID: store.petition.id, window: window).map(\.domain) == ["example.org"]
            )
        }
    }
}
