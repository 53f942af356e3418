import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("The outbox's figures")
struct OutboxStatusPlanTests {
    @Test(
        "the queue's depth and oldest message are read from the index, never from the messages",
        arguments: TestDatabase.all)
    func indexOnly(database: TestDatabase) async throws {
        try await TestStore.with(database) { testStore in
            let store = try #require(testStore.database as? SQLStore)
            let plan = try await store.plan(of: SQLStore.outboxStatusQuery)
            let indexOnly =
                store.driver.flavor.isShared ? "Index Only Scan using outbox_due" : "COVERING INDEX outbox_due"
            #expect(plan.contains(indexOnly), "\(plan)")
        }
    }
}
