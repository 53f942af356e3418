import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("Signature logs")
struct SignatureLogTests {
    @Test(
        "confirmations, withdrawals and invalidations are logged; heads are signed; receipts prove inclusion",
        arguments: TestDatabase.all)
    func logAndReceipts(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let jobs = try (0..<10).map { try store.job(email: "logged\($0)@example.org") }
            let writer = store.writer()
            try await running(writer) { _ in
                for job in jobs { _ = try await writer.sign(job) }
                for job in jobs.prefix(8) { _ = try await writer.confirm(signatureID: job.signature.id) }
                // One confirmed signature and one pending one are withdrawn; only the first is logged.
                _ = try await writer.withdraw(signatureID: jobs[0].signature.id)
                _ = try await writer.withdraw(signatureID: jobs[9].signature.id)
            }
            let petitionID = store.petition.id
            var state = try await store.database.logState(petitionID: petitionID)
            #expect(state.frontier.size == 9)
            #expect(state.count == 7)
            #expect(try await store.database.signatureCount(petitionID: petitionID) == 7)

            let signer = TreeHeadSigner(store: store.database, key: store.logKey, logger: TestDatabase.logger)
            try await signer.signGrownLogs()
            let head = try #require(try await store.database.latestTreeHead(petitionID: petitionID))
            #expect(head.size == 9 && head.count == 7 && head.root == state.frontier.root)
            #expect(head.isValid(under: store.logKey.publicKey))
            // Nothing grew: no new head.
            try await signer.signGrownLogs()
            #expect(try await store.database.treeHeads(petitionID: petitionID).count == 1)

            // A counted receipt: its inclusion proof verifies against the signed head.
            let code = store.receipts.code(for: jobs[3].signature.id)
            let counted = try await ReceiptCheck.check(
                code: code, petitionID: petitionID, logs: store.database, treeHead: head)
            #expect(counted.status == .counted)
            let entry = try #require(counted.entries.first)
            #expect(entry.entry.receiptHash == ReceiptCodes.hash(ofCode: code))
            #expect(
                MerkleProof.verifyInclusion(
                    leafHash: entry.entry.leafHash, index: entry.position, size: head.size,
                    path: try #require(counted.auditPath), root: head.root))
            let withdrawn = try await ReceiptCheck.check(
                code: store.receipts.code(for: jobs[0].signature.id), petitionID: petitionID, logs: store.database,
                treeHead: head)
            #expect(withdrawn.status == .withdrawn)
            #expect(
                try await ReceiptCheck.check(
                    code: "not-a-receipt", petitionID: petitionID, logs: store.database, treeHead: head
                ).status == .unknown)
            #expect(
                try await ReceiptCheck.check(
                    code: store.receipts.code(for: jobs[9].signature.id), petitionID: petitionID, logs: store.database,
                    treeHead: head
                ).status == .unknown)

            // A moderator's invalidation is logged too, and the next head carries the new count.
            let review = SignatureReview(store: store.database, sealer: store.sealer, receipts: store.receipts)
            let window = Date().addingTimeInterval(-3600)...Date().addingTimeInterval(60)
            _ = try await review.invalidate(
                petitionID: petitionID, domain: "example.org", window: window, reason: "test batch")
            state = try await store.database.logState(petitionID: petitionID)
            #expect(state.frontier.size == 16 && state.count == 0)
            try await signer.signGrownLogs()
            let later = try #require(try await store.database.latestTreeHead(petitionID: petitionID))
            #expect(later.size == 16 && later.count == 0)
            let consistency = try await LogProofs(store: store.database).consistency(
                petitionID: petitionID, from: head.size, to: later.size)
            #expect(
                MerkleProof.verifyConsistency(
                    oldSize: head.size, oldRoot: head.root, newSize: later.size, newRoot: later.root, proof: consistency
                ))

            let report = try await LogVerifier(database: store.database, key: store.logKey.publicKey).verify(
                petitionID: petitionID)
            #expect(report.problems == [])
            #expect(report.entries == 16 && report.count == 0 && report.treeHeadsChecked == 2)
        }
    }

    @Test(
        "proofs verify at every size, across subtrees of 16 entries, which alone are stored; a changed one is found",
        arguments: TestDatabase.all)
    func storedSubtrees(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let petitionID = store.petition.id
            let writer = store.writer()
            let proofs = LogProofs(store: store.database)
            var roots: [UInt64: [UInt8]] = [:]
            var recorded = 0
            // Batches that end below, on and just past the boundaries of stored subtrees.
            for batch in [1, 2, 5, 8, 1, 14, 1, 1, 31, 6] {
                let signatures = try (recorded..<recorded + batch).map { number in
                    var signature = try store.job(email: "subtree\(number)@example.org").signature
                    signature.confirmedAt = Date()
                    return signature
                }
                recorded += batch
                #expect(try await writer.record(signatures).count == batch)
                let state = try await store.database.logState(petitionID: petitionID)
                let size = state.frontier.size
                #expect(size == UInt64(recorded))
                roots[size] = state.frontier.root
                let entries = try await store.database.logEntries(petitionID: petitionID, from: 0, limit: 1000)
                for (index, entry) in entries.enumerated() {
                    let path = try await proofs.inclusion(petitionID: petitionID, index: UInt64(index), size: size)
                    #expect(
                        MerkleProof.verifyInclusion(
                            leafHash: entry.leafHash, index: UInt64(index), size: size, path: path,
                            root: state.frontier.root), "entry \(index) of \(size)")
                }
                for (oldSize, oldRoot) in roots where oldSize < size {
                    let proof = try await proofs.consistency(petitionID: petitionID, from: oldSize, to: size)
                    #expect(
                        MerkleProof.verifyConsistency(
                            oldSize: oldSize, oldRoot: oldRoot, newSize: size, newRoot: state.frontier.root,
                            proof: proof), "\(oldSize) to \(size)")
                }
            }

            // 70 entries: four subtrees of 16, two of 32 and one of 64.
            let sql = try #require(store.database as? SQLStore)
            let levels = try await sql.driver.transaction { db in
                try await db.raw("SELECT level FROM log_nodes WHERE petition_id = \(bind: petitionID.text)").all()
                    .map { try $0.decode(column: "level", as: Int.self) }
            }
            #expect(levels.sorted() == [4, 4, 4, 4, 5, 5, 6])
            let verifier = LogVerifier(database: store.database, key: store.logKey.publicKey)
            #expect(try await verifier.verify(petitionID: petitionID).problems == [])

            try await SealedRowBindingTests.execute(
                store,
                "UPDATE log_nodes SET hash = (SELECT hash FROM log_nodes WHERE level = 4 AND position = 0) WHERE level = 5 AND position = 1"
            )
            #expect(
                try await verifier.verify(petitionID: petitionID).problems == [
                    "the stored subtree at level 5, index 1 does not match the entries"
                ])
        }
    }

    @Test(
        "verification catches a changed, removed or reordered entry, a forged head and a count that does not match",
        arguments: TestDatabase.all)
    func tampering(database: TestDatabase) async throws {
        for tamper in Tamper.allCases {
            try await TestStore.with(database) { store in
                let writer = store.writer()
                try await running(writer) { _ in
                    for index in 0..<6 {
                        let job = try store.job(email: "tamper\(index)@example.org")
                        _ = try await writer.sign(job)
                        _ = try await writer.confirm(signatureID: job.signature.id)
                    }
                }
                #expect(try await store.verifiedLog(of: store.petition.id).isValid)

                let sql = try #require(store.database as? SQLStore)
                let petitionID = store.petition.id.text
                try await sql.driver.transaction { db in
                    for statement in tamper.statements(petitionID: petitionID) { try await db.raw(statement).run() }
                }
                let report = try await LogVerifier(database: store.database, key: store.logKey.publicKey)
                    .verify(petitionID: store.petition.id)
                #expect(!report.isValid, "\(tamper) went unnoticed")
                switch tamper {
                case .movedCountryCount:
                    #expect(
                        report.problems.contains("the stored count for country FR is 5; its confirmed signatures are 6")
                    )
                    #expect(
                        report.problems.contains("the stored count for country SY is 1; its confirmed signatures are 0")
                    )
                case .inflatedDayCount:
                    #expect(report.problems.contains { $0.hasSuffix("(web) is 9; its confirmed signatures are 6") })
                case .inflatedCount:
                    #expect(report.problems.contains("the stored count 7 does not match the confirmed signatures (6)"))
                default:
                    break
                }
            }
        }
    }

    enum Tamper: CaseIterable {
        case changedEntry, removedEntry, reorderedEntries, forgedHeadCount, inflatedCount, movedCountryCount,
            inflatedDayCount, strayCountry

        func statements(petitionID: String) -> [SQLQueryString] {
            switch self {
            case .changedEntry:
                [
                    "UPDATE log_entries SET recorded_at = recorded_at + 1 WHERE petition_id = \(bind: petitionID) AND position = 2"
                ]
            case .removedEntry:
                [
                    "DELETE FROM log_entries WHERE petition_id = \(bind: petitionID) AND position = 5",
                    "UPDATE log_entries SET position = position WHERE petition_id = \(bind: petitionID)",
                ]
            case .reorderedEntries:
                [
                    "UPDATE log_entries SET position = 100 WHERE petition_id = \(bind: petitionID) AND position = 1",
                    "UPDATE log_entries SET position = 1 WHERE petition_id = \(bind: petitionID) AND position = 2",
                    "UPDATE log_entries SET position = 2 WHERE petition_id = \(bind: petitionID) AND position = 100",
                ]
            case .forgedHeadCount:
                ["UPDATE tree_heads SET signed_count = signed_count + 100 WHERE petition_id = \(bind: petitionID)"]
            case .inflatedCount:
                ["UPDATE petitions SET signature_count = signature_count + 1 WHERE id = \(bind: petitionID)"]
            case .movedCountryCount:
                [
                    "UPDATE country_counts SET confirmed = confirmed - 1 WHERE petition_id = \(bind: petitionID) AND country = 'FR'",
                    "INSERT INTO country_counts (petition_id, country, confirmed) VALUES (\(bind: petitionID), 'SY', 1)",
                ]
            case .inflatedDayCount:
                ["UPDATE daily_confirmations SET confirmed = confirmed + 3 WHERE petition_id = \(bind: petitionID)"]
            case .strayCountry:
                ["INSERT INTO country_counts (petition_id, country, confirmed) VALUES (\(bind: petitionID), 'LB', 2)"]
            }
        }
    }

    @Test(
        "an instance admin sees every log verified on a page; a tampered log shows as a mismatch",
        arguments: TestDatabase.all)
    func adminPage(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.run { browser in
            try await browser.signAndConfirm(email: "logged@example.org")
            try await browser.signIn("admin@example.org")
            let page = try await browser.get("/admin/log")
            #expect(page.status == .ok)
            #expect(page.body.contains("Every log checks out."))
            #expect(page.body.contains(TestInstance.seedSlug))

            let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
            try await withServices(of: store) {
                let sql = try #require(store as? SQLStore)
                try await sql.driver.transaction { db in
                    try await db.raw("UPDATE petitions SET signature_count = signature_count + 5").run()
                }
            }
            let tampered = try await browser.get("/admin/log")
            #expect(tampered.body.contains("At least one log does not match"))
            #expect(tampered.body.contains("the published count 6 does not match the log (1)"))
        }
    }
}
