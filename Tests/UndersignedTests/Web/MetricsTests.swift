import Foundation
import Testing

@testable import Undersigned

@Suite("Metrics")
struct MetricsTests {
    @Test("/metrics reports the outbox in Prometheus's text format", arguments: TestDatabase.all)
    func outbox(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            try await browser.sign(email: "metrics@example.org")
            _ = try await browser.mailbox.waitForMessages(to: "metrics@example.org")
            // The worker counts after marking the batch sent, a moment after the file appears;
            // a scrape that read the queue just before that still shows it queued.
            var page = try await browser.get("/metrics")
            for _ in 0..<250
            where
                !(page.body.contains("undersigned_outbox_sent_total 1")
                && page.body.contains("undersigned_outbox_queue_depth 0"))
            {
                try await Task.sleep(for: .milliseconds(20))
                page = try await browser.get("/metrics")
            }
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(page.body.contains("# TYPE undersigned_outbox_sent_total counter"))
            #expect(page.body.contains("undersigned_outbox_sent_total 1"))
            #expect(page.body.contains("undersigned_outbox_queue_depth 0"))
            #expect(page.body.contains("undersigned_outbox_oldest_age_seconds 0"))
            #expect(!page.body.contains("metrics@example.org"))
        }
    }
}
