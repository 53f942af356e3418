import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import Undersigned

@Suite("The group-commit writer")
struct SignatureWriterTests {
    @Test("every acknowledged signature is stored, even when shutdown begins mid-burst", arguments: TestDatabase.all)
    func shutdownKeepsAcknowledged(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let writer = store.writer()
            let acknowledged = Locked<Set<UUID>>([])
            let refused = Locked(0)
            try await running(writer) { group in
                try await withThrowingTaskGroup(of: Void.self) { burst in
                    for index in 0..<400 {
                        let job = try store.job(email: "burst\(index)@example.org")
                        burst.addTask {
                            do {
                                _ = try await writer.sign(job)
                                acknowledged.withLock { _ = $0.insert(job.signature.id) }
                            } catch is Overloaded {
                                refused.withLock { $0 += 1 }
                            }
                        }
                        if index == 200 {
                            burst.addTask { await group.triggerGracefulShutdown() }
                        }
                    }
                    try await burst.waitForAll()
                }
            }
            let ids = acknowledged.value
            #expect(ids.count + refused.value == 400)
            #expect(ids.count >= 1)
            for id in ids {
                #expect(try await store.database.signature(id: id)?.state == .pending)
            }
            // Each stored signature has its confirmation email queued beside it, and nothing else was stored.
            #expect(try await store.database.pendingEmailCount() == ids.count)
        }
    }

    @Test(
        "signings queued together: each new signature's email is queued with it, a repeated address's once more",
        arguments: TestDatabase.all)
    func emailsBesideTheirSignatures(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let writer = store.writer()
            let jobs = try ["one", "one", "two", "three"].map { try store.job(email: "\($0)@example.org") }
            // Queued before the writer starts, so that one batch takes them all.
            let signings = jobs.map { job in Task { try await writer.sign(job) } }
            try await Task.sleep(for: .milliseconds(100))
            try await running(writer) { _ in
                for signing in signings {
                    let outcome = try await signing.value
                    #expect(outcome == .accepted)
                }
            }
            // The repeated address is stored once: under whichever signing reached the queue first.
            let first = try await store.database.signature(id: jobs[0].signature.id)
            let second = try await store.database.signature(id: jobs[1].signature.id)
            #expect([first?.state, second?.state].compactMap { $0 } == [.pending])
            #expect(try await store.database.signature(id: jobs[2].signature.id)?.state == .pending)
            #expect(try await store.database.signature(id: jobs[3].signature.id)?.state == .pending)
            // Three confirmation requests, and the repeated address's link sent again.
            #expect(try await store.database.pendingEmailCount() == 4)
        }
    }

    @Test("new signatures and their emails are keyed in the order they were made, by version 7 ids")
    func timeOrderedKeys() async throws {
        try await TestStore.with(.sqlite) { store in
            let start = Date()
            let jobs = try (0..<50).map { index in
                try store.job(email: "ordered\(index)@example.org", at: start.addingTimeInterval(Double(index) / 100))
            }
            let keys = jobs.map(\.signature.id.text)
            #expect(keys == keys.sorted())
            #expect(jobs.allSatisfy { $0.signature.id.uuid.6 >> 4 == 7 })
            #expect(try store.queuedEmail(to: "ordered@example.org").id.uuid.6 >> 4 == 7)
        }
    }

    @Test(
        "while a batch commits, a few commands wait for it; many go beside it in a batch of their own",
        arguments: TestDatabase.all)
    func batchesBesideACommit(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let held = HeldTransactions(store.database)
            let writer = SignatureWriter(
                store: held, petitions: { [database = store.database] in try await database.petition(id: $0) },
                mailer: store.mailer(), receipts: store.receipts, counts: SignatureCounts(store: store.database),
                maximumBatch: 8, logger: TestDatabase.logger)
            let few = try (0..<9).map { try store.job(email: "few\($0)@example.org") }
            let many = try (0..<80).map { try store.job(email: "many\($0)@example.org") }
            try await running(writer) { _ in
                let first = Task { try await writer.sign(few[0]) }
                try await held.waitUntil(open: 1)
                let rest = few.dropFirst().map { job in Task { try await writer.sign(job) } }
                try await Task.sleep(for: .milliseconds(200))
                #expect(held.mostOpen == 1, "eight commands went beside the batch committing")
                held.release()
                for signing in [first] + rest { #expect(try await signing.value == .accepted) }

                held.hold()
                let blocker = Task { try await writer.sign(try store.job(email: "blocker@example.org")) }
                try await held.waitUntil(open: 1)
                let signings = many.map { job in Task { try await writer.sign(job) } }
                try await Task.sleep(for: .milliseconds(200))
                #expect(held.mostOpen == 1)
                // Once the blocker commits, eighty wait: a batch of eight, and beside it, since
                // seventy-two still wait, another.
                held.letOneThrough()
                try await held.waitUntil(open: 2)
                #expect(held.mostOpen == 2)
                held.release()
                for signing in [blocker] + signings { #expect(try await signing.value == .accepted) }
            }
            for job in few + many {
                #expect(try await store.database.signature(id: job.signature.id)?.state == .pending)
            }
        }
    }

    @Test("a full queue refuses at once instead of waiting without bound", arguments: TestDatabase.all)
    func boundedQueue(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            // Never started: nothing drains the queue, so the second request finds it full.
            let writer = store.writer(capacity: 1)
            let first = Task { try await writer.sign(try store.job(email: "first@example.org")) }
            try await Task.sleep(for: .milliseconds(100))
            await #expect(throws: Overloaded.self) { try await writer.sign(try store.job(email: "second@example.org")) }
            // Starting and stopping it settles the first request.
            try await running(writer) { _ in }
            _ = try await first.value
            #expect(AppError(Overloaded()).status == .serviceUnavailable)
            #expect(AppError(Overloaded()).retryAfterSeconds != nil)
        }
    }

    @Test("confirmations in one batch count exactly, duplicates included", arguments: TestDatabase.all)
    func batchedConfirmations(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let counts = SignatureCounts(store: store.database)
            let writer = SignatureWriter(
                store: store.database, petitions: { _ in store.petition }, mailer: store.mailer(),
                receipts: store.receipts, counts: counts, logger: TestDatabase.logger)
            try await running(writer) { _ in
                var ids: [UUID] = []
                for index in 0..<50 {
                    let job = try store.job(email: "batch\(index)@example.org")
                    _ = try await writer.sign(job)
                    ids.append(job.signature.id)
                }
                _ = try await counts.count(for: store.petition.id)
                let outcomes = try await withThrowingTaskGroup(of: SignatureWriter.ConfirmOutcome.self) { group in
                    for id in ids + ids.prefix(10) + [UUID()] {
                        group.addTask { try await writer.confirm(signatureID: id) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.filter { if case .confirmed = $0 { true } else { false } }.count == 50)
                #expect(outcomes.filter { if case .alreadyConfirmed = $0 { true } else { false } }.count == 10)
                #expect(outcomes.filter { $0 == .notFound }.count == 1)
                #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 50)
                #expect(try await counts.count(for: store.petition.id) == 50)
            }
        }
    }

    @Test(
        "the batch form stores confirmed signatures with their counters and log, skips addresses that signed, and counts nothing once the petition is closed",
        arguments: TestDatabase.all)
    func batchForm(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let writer = store.writer()
            let earlier = try store.job(email: "signer-3@example.org")
            try await running(writer) { _ in _ = try await writer.sign(earlier) }
            let now = Date()
            let batch = try (0..<30).map { index -> NewSignature in
                var signature = try store.job(email: "signer-\(index)@example.org").signature
                signature.country = ["SY", "DE", "FR"][index % 3]
                signature.source = index % 2 == 0 ? .paper : .web
                signature.confirmedAt = now.addingTimeInterval(Double(-86_400 * (index % 4)))
                return signature
            }
            let stored = try await writer.record(batch)
            // signer-3 signed through the form already: still theirs, pending, and not counted twice.
            #expect(stored.count == 29)
            #expect(!stored.contains { $0.id == batch[3].id })
            #expect(try await store.database.signature(id: earlier.signature.id)?.state == .pending)
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 29)
            #expect(
                try await store.database.countryCounts(petitionID: store.petition.id) == ["SY": 9, "DE": 10, "FR": 10])
            // The counters per country and day, the count and the log agree with the rows.
            let report = try await store.verifiedLog(of: store.petition.id)
            #expect(report.isValid, "\(report.problems)")
            #expect(report.count == 29)

            var pending = try store.job(email: "pending@example.org").signature
            pending.confirmedAt = nil
            await #expect(throws: UnconfirmedInBatch.self) { try await writer.record([pending]) }

            let sql = try #require(store.database as? SQLStore)
            try await sql.driver.transaction { db in
                try await db.raw(
                    """
                    UPDATE petitions SET state = 'closed', state_changed_at = \(bind: now.addingTimeInterval(-4 * 86_400).millis)
                    WHERE id = \(bind: store.petition.id.text)
                    """
                ).run()
            }
            var late = try store.job(email: "late@example.org").signature
            late.confirmedAt = now
            await #expect(throws: PetitionNotCounting.self) { try await writer.record([late]) }
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 29)
        }
    }

    @Test(
        "one batch confirming on two petitions and withdrawing a counted signature moves each petition's count, counters and log",
        arguments: TestDatabase.all)
    func batchAcrossPetitions(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            var other = try SeedPetition.load(createdAt: Date())
            other.id = UUID()
            other.slug = "another-petition"
            try await store.database.insert(other)
            let first = try (0..<4).map { try store.job(email: "first\($0)@example.org") }
            let second = try (0..<2).map { index in
                try SignatureWriter.SigningJob(
                    SignatureRequest(
                        name: "Other Signer", email: EmailAddress("second\(index)@example.org")!, country: "DE",
                        showNamePublicly: false, wantsUpdates: false),
                    on: other, fingerprinter: store.fingerprinter, sealer: store.sealer, at: Date())
            }
            let leaving = first[0].signature.id
            let signing = store.writer()
            try await running(signing) { _ in
                for job in first + second { _ = try await signing.sign(job) }
            }
            let counting = store.writer()
            let counted = try await running(counting) { _ in try await counting.confirm(signatureID: leaving) }
            #expect(counted == .confirmed(petitionID: store.petition.id))
            // Queued before the writer starts, so that one batch takes them all.
            let writer = store.writer()
            let confirmations = (first.dropFirst() + second).map { job in
                Task { try await writer.confirm(signatureID: job.signature.id) }
            }
            let withdrawal = Task { try await writer.withdraw(signatureID: leaving) }
            try await Task.sleep(for: .milliseconds(100))
            try await running(writer) { _ in
                for confirmation in confirmations {
                    guard case .confirmed = try await confirmation.value else {
                        Issue.record("a pending signature was not confirmed")
                        return
                    }
                }
                #expect(try await withdrawal.value == .withdrawn(petitionID: store.petition.id))
            }
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 3)
            #expect(try await store.database.signatureCount(petitionID: other.id) == 2)
            #expect(try await store.database.countryCounts(petitionID: store.petition.id) == ["FR": 3])
            #expect(try await store.database.countryCounts(petitionID: other.id) == ["DE": 2])
            for (petitionID, count) in [(store.petition.id, 3), (other.id, 2)] {
                let report = try await store.verifiedLog(of: petitionID)
                #expect(report.isValid, "\(report.problems)")
                #expect(report.count == count)
            }
            // Three receipts on the first petition, two on the other, beside the six requests;
            // the receipt of the signature withdrawn was dropped with it.
            #expect(try await store.database.pendingEmailCount() == 6 + 3 + 2)
        }
    }

    @Test(
        "a batch too large for one statement is counted as a small one is, its counters and log agreeing",
        arguments: TestDatabase.all)
    func largeBatch(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let now = Date()
            let batch = try (0..<2_100).map { index -> NewSignature in
                var signature = try store.job(email: "large\(index)@example.org").signature
                signature.confirmedAt = now
                return signature
            }
            let stored = try await store.writer().record(batch)
            #expect(stored.count == 2_100)
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 2_100)
            let report = try await store.verifiedLog(of: store.petition.id)
            #expect(report.isValid, "\(report.problems)")
            #expect(report.count == 2_100)
        }
    }

    @Test(
        "confirmations and withdrawals racing, committed in batches at once where the store allows, while the count is re-read: the count, counters and log agree",
        arguments: TestDatabase.all)
    func racingBatches(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            // Every read of the count reads the database, holding commits off meanwhile.
            let counts = SignatureCounts(store: store.database, maximumAge: .zero)
            let writer = SignatureWriter(
                store: store.database, petitions: { _ in store.petition }, mailer: store.mailer(),
                receipts: store.receipts, counts: counts, maximumBatch: 16, logger: TestDatabase.logger)
            let jobs = try (0..<240).map { try store.job(email: "race\($0)@example.org") }
            try await running(writer) { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for job in jobs { group.addTask { _ = try await writer.sign(job) } }
                    try await group.waitForAll()
                }
                _ = try await counts.count(for: store.petition.id)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, job) in jobs.enumerated() {
                        group.addTask { _ = try await writer.confirm(signatureID: job.signature.id) }
                        if index % 4 == 0 {
                            group.addTask { _ = try await writer.withdraw(signatureID: job.signature.id) }
                            group.addTask { _ = try await counts.count(for: store.petition.id) }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Each fourth was withdrawn, before or after its confirmation: 180 count.
            #expect(try await store.database.signatureCount(petitionID: store.petition.id) == 180)
            #expect(counts.cachedCount(for: store.petition.id) == 180)
            let report = try await store.verifiedLog(of: store.petition.id)
            #expect(report.isValid, "\(report.problems)")
            #expect(report.count == 180)
        }
    }
}

/// A store whose transactions stay open, once begun, until let through: what the writer
/// starts while one commits can be seen. Two may run at once; every write goes through a
/// transaction.
private final class HeldTransactions: SignatureStore {
    private struct State {
        var held = true
        var passes = 0
        var open = 0
        var mostOpen = 0
    }

    private let store: any SignatureStore
    private let state = Locked(State())

    init(_ store: any SignatureStore) {
        self.store = store
    }

    var mostOpen: Int { state.value.mostOpen }
    var concurrentWrites: Int { 2 }
    var insertsNewAtOnce: Bool { false }

    func hold() {
        state.withLock {
            $0.held = true
            $0.mostOpen = $0.open
        }
    }

    func letOneThrough() { state.withLock { $0.passes += 1 } }
    func release() { state.withLock { $0.held = false } }

    func waitUntil(open count: Int) async throws {
        for _ in 0..<500 where state.value.open < count { try await Task.sleep(for: .milliseconds(10)) }
        #expect(state.value.open >= count)
    }

    func write<Result: Sendable>(_ body: @Sendable (any SignatureWriteTransaction) async throws -> Result)
        async throws -> Result
    {
        state.withLock {
            $0.open += 1
            $0.mostOpen = max($0.mostOpen, $0.open)
        }
        defer { state.withLock { $0.open -= 1 } }
        while !passed() { try await Task.sleep(for: .milliseconds(5)) }
        return try await store.write(body)
    }

    private func passed() -> Bool {
        state.withLock { state in
            guard state.held else { return true }
            guard state.passes > 0 else { return false }
            state.passes -= 1
            return true
        }
    }

    func insertNew(_ signatures: [NewSignature], queueing emails: OutgoingEmails) async throws -> Set<UUID> {
        try await store.insertNew(signatures, queueing: emails)
    }

    func signature(id: UUID) async throws -> Signature? { try await store.signature(id: id) }

    func signaturesWithPersonalData(ids: [UUID]) async throws -> [UUID: SignatureWithPersonalData] {
        try await store.signaturesWithPersonalData(ids: ids)
    }

    func deleteUnconfirmed(before cutoff: Date) async throws -> Int {
        try await store.deleteUnconfirmed(before: cutoff)
    }

    func erasePersonalData(ofPetitionsDeliveredBefore cutoff: Date) async throws -> Int {
        try await store.erasePersonalData(ofPetitionsDeliveredBefore: cutoff)
    }
}
