import Foundation
import Testing

@testable import Undersigned

@Suite("Transactions and cancellation")
struct TransactionCancellationTests {
    @Test(
        "a transaction whose caller is cancelled still commits, and the next one finds the connection free",
        arguments: TestDatabase.all)
    func cancelledCaller(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let mailer = store.mailer()
            func message(_ address: String) throws -> QueuedEmail {
                try mailer.alreadySigned(
                    request: SignatureRequest(
                        name: "N", email: EmailAddress(address)!, country: "FR", showNamePublicly: false,
                        wantsUpdates: false),
                    petition: store.petition)
            }
            let first = try message("first@example.org")
            let second = try message("second@example.org")
            let begun = AsyncStream<Void>.makeStream()
            let writing = Task {
                try await store.database.write { transaction in
                    try await transaction.enqueue([first])
                    begun.continuation.yield()
                    // The caller is cancelled here, between two statements of one transaction.
                    try await Task.sleep(for: .milliseconds(300))
                    try await transaction.enqueue([second])
                }
            }
            var signals = begun.stream.makeAsyncIterator()
            _ = await signals.next()
            writing.cancel()
            try await writing.value

            let third = try message("third@example.org")
            try await store.database.write { transaction in try await transaction.enqueue([third]) }
            #expect(try await store.database.pendingEmailCount() == 3)
        }
    }
}
