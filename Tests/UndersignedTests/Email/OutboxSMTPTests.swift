import Foundation
import Testing

@testable import Undersigned

/// The outbox draining through real SMTP servers, on every database.
@Suite("The outbox over SMTP", .enabled(if: SMTPTestServer.isAvailable, SMTPTestServer.skipReason))
struct OutboxSMTPTests {
    static func worker(
        _ store: TestStore, _ server: SMTPTestServer, connections: Int = 2, policy: RetryPolicy = .immediate
    ) throws -> OutboxWorker {
        let transport = try SMTPMailTransport(
            configuration: SMTPConfiguration(
                server: SMTPServerLocation(host: "127.0.0.1", port: server.port, security: .plain),
                helloName: "undersigned.test",
                connections: connections, replyTimeout: .seconds(10)),
            composer: MailComposer())
        return OutboxWorker(
            store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
            policy: policy)
    }

    @Test("a 4xx is retried and then delivered; the attempt was visible meanwhile", arguments: TestDatabase.all)
    func temporaryThenAccepted(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            try await SMTPTestServer.with("tempfail-once") { server in
                let email = try store.queuedEmail(to: "later@example.org")
                try await store.database.write { transaction in try await transaction.enqueue([email]) }
                let worker = try Self.worker(store, server)
                await worker.drain()
                // The first drain met a 451, recorded it and queued the message again at once
                // (immediate policy), so it went out in the same drain.
                #expect(server.dataOutcomes() == ["451", "250"])
                #expect(server.received().map(\.recipients) == [["later@example.org"]])
                #expect(try await store.database.outboxEntries(limit: 10).isEmpty)
            }
        }
    }

    @Test("a 4xx leaves the message queued with the reply in its history", arguments: TestDatabase.all)
    func temporaryHistory(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            try await SMTPTestServer.with("tempfail-once") { server in
                let email = try store.queuedEmail(to: "history@example.org")
                try await store.database.write { transaction in try await transaction.enqueue([email]) }
                let transport = try SMTPMailTransport(
                    configuration: SMTPConfiguration(
                        server: SMTPServerLocation(host: "127.0.0.1", port: server.port, security: .plain),
                        helloName: "undersigned.test"),
                    composer: MailComposer())
                // The worker's time stands still after the attempt, however slowly the machine runs:
                // the retry is never due within this drain.
                let clock = ManualClock()
                let worker = OutboxWorker(
                    store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                    clock: clock.wallClock)
                await worker.drain()
                let entry = try #require(try await store.database.outboxEntries(limit: 10).first)
                #expect(entry.state == .queued)
                // Retried later than the attempt, by the backoff; not "now", whenever this runs.
                #expect(entry.nextAttemptAt > (entry.history.first?.at ?? .distantFuture))
                #expect(entry.history.map(\.replyCode) == [451])
                #expect(
                    entry.history.first?.detail
                        == "message content refused: 451 4.3.0 Temporary failure, try again later")
                let report = OutboxReport.text(
                    status: try await store.database.outboxStatus(), entries: [entry], now: Date())
                #expect(report.contains("#1"))
                #expect(report.contains("retry  451"))
                #expect(!report.contains("history@example.org"))
            }
        }
    }

    @Test(
        "a server without STARTTLS gets nothing in clear: the message stays queued, to be retried",
        arguments: TestDatabase.all)
    func startTLSRequired(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            try await SMTPTestServer.with("accept") { server in
                let email = try store.queuedEmail(to: "private@example.org")
                try await store.database.write { transaction in try await transaction.enqueue([email]) }
                let transport = try SMTPMailTransport(
                    configuration: SMTPConfiguration(
                        server: try SMTPServerLocation(url: "smtp://127.0.0.1:\(server.port)"),
                        helloName: "undersigned.test"),
                    composer: MailComposer())
                let worker = OutboxWorker(
                    store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger)
                await worker.drain()
                #expect(server.received().isEmpty)
                let entry = try #require(try await store.database.outboxEntries(limit: 10).first)
                #expect(entry.state == .queued)
                #expect(entry.history.first?.detail.contains("no STARTTLS") == true)
            }
        }
    }

    @Test("a 5xx gives up at once, never retried, and stores no address", arguments: TestDatabase.all)
    func permanent(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            try await SMTPTestServer.with("reject") { server in
                let email = try store.queuedEmail(to: "no.such.user@example.org")
                try await store.database.write { transaction in try await transaction.enqueue([email]) }
                let worker = try Self.worker(store, server)
                for _ in 0..<3 { await worker.drain() }
                let entry = try #require(try await store.database.outboxEntries(limit: 10).first)
                #expect(entry.state == .failed)
                #expect(entry.attempts == 1)
                #expect(entry.history.map(\.replyCode) == [550])
                #expect(entry.history.first?.outcome == .failed)
                #expect(entry.history.first?.detail.contains("no.such.user") == false)
                #expect(try await store.database.pendingEmailCount() == 0)
            }
        }
    }

    @Test(
        "one connection carries a drain's messages past refusals; a dropped one is replaced for the rest",
        arguments: TestDatabase.all)
    func oneConnectionInTurn(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            try await SMTPTestServer.with("mixed") { server in
                let accepted = (0..<8).map { "taken\($0)@example.org" }
                let refused = ["refused0@example.org", "refused1@example.org"]
                let dropped = ["dropped0@example.org", "dropped1@example.org"]
                // Queued in this order, which the claim keeps as a rule (it is not bound to).
                let order =
                    accepted[0..<3] + [dropped[0], refused[0]] + accepted[3..<6] + [refused[1], dropped[1]]
                    + accepted[6...]
                let emails = try order.map { try store.queuedEmail(to: $0) }
                try await store.database.write { transaction in try await transaction.enqueue(emails) }
                var policy = RetryPolicy.immediate
                // Longer than the drain can take on a loaded machine: each message is tried once.
                policy.backoff = { _ in 30 }
                try await Self.worker(store, server, connections: 1, policy: policy).drain()

                let received = server.received().flatMap(\.recipients)
                #expect(received.count == accepted.count)
                #expect(Set(received) == Set(accepted))
                let entries = try await store.database.outboxEntries(limit: 20)
                #expect(entries.filter { $0.state == .failed }.map { $0.history.map(\.replyCode) } == [[550], [550]])
                let retried = entries.filter { $0.state == .queued }
                #expect(
                    retried.map { $0.history.map(\.detail) }
                        == Array(repeating: ["the server closed the connection"], count: 2))
                // A refusal was reset on the same connection; each drop cost one, and a new one
                // carried whatever came after it.
                let events = server.events()
                let dropsWithMoreAfter = events.indices.filter { events[$0] == "dropped" && $0 < events.count - 1 }
                    .count
                #expect(events.first == "hello")
                #expect(events.filter { $0 == "hello" }.count == 1 + dropsWithMoreAfter)
                #expect(dropsWithMoreAfter >= 1)
            }
        }
    }

    @Test("a connection dropped mid-DATA is retried until it goes", arguments: TestDatabase.all)
    func dropped(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let email = try store.queuedEmail(to: "dropped@example.org")
            try await store.database.write { transaction in try await transaction.enqueue([email]) }
            try await SMTPTestServer.with("drop") { server in
                var policy = RetryPolicy.immediate
                // Longer than an attempt can take on a loaded machine, so one drain tries once.
                policy.backoff = { _ in 3 }
                try await Self.worker(store, server, policy: policy).drain()
                let entry = try #require(try await store.database.outboxEntries(limit: 10).first)
                #expect(entry.state == .queued)
                #expect(entry.history.map(\.detail) == ["the server closed the connection"])
            }
            // When it is due again, a server that answers gets it.
            try await Task.sleep(for: .milliseconds(3100))
            try await SMTPTestServer.with("accept") { server in
                try await Self.worker(store, server).drain()
                #expect(server.received().map(\.recipients) == [["dropped@example.org"]])
                #expect(try await store.database.pendingEmailCount() == 0)
            }
        }
    }
}
