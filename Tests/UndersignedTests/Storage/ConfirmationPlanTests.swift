import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("Confirming by id")
struct ConfirmationPlanTests {
    @Test(
        "a batch is confirmed through the primary key, even with statistics from before its petition grew",
        arguments: TestDatabase.all)
    func primaryKeyWhateverTheStatistics(database: TestDatabase) async throws {
        try await TestStore.with(database) { testStore in
            let store = try #require(testStore.database as? SQLStore)
            let petitionID = testStore.petition.id
            var ids: [UUID] = []
            func addPending(_ count: Int) async throws {
                let added = (0..<count).map { _ in
                    let id = UUID.random()
                    return NewSignature(
                        id: id, petitionID: petitionID, emailFingerprint: Array(id.text.utf8), country: "FR",
                        showNamePublicly: false, wantsUpdates: false, source: .web, sealedPersonalData: [],
                        createdAt: Date())
                }
                ids += try await store.write { try await $0.insertNew(added) }
            }
            try await addPending(20)
            // PostgreSQL now believes the petition has 20 signatures.
            if store.driver.flavor.isShared {
                try await store.driver.transaction { try await $0.raw("ANALYZE signatures").run() }
            }
            try await addPending(3_000)
            #expect(ids.count == 3_020)

            let plan = try await store.plan(
                of: SQLSignatureTransaction.confirming(Array(ids.suffix(50)), at: Date(), flavor: store.driver.flavor))
            let primaryKey = store.driver.flavor.isShared ? "signatures_pkey" : "sqlite_autoindex_signatures_1"
            #expect(plan.contains(primaryKey), "\(plan)")
            #expect(!plan.contains("signatures_by_petition_created"), "\(plan)")
        }
    }
}
