import Foundation
import SQLKit
import Testing

@testable import Undersigned

@Suite("Signers' emails written when sent")
struct SignerEmailWriterTests {
    /// A writer and an outbox worker that share one mailer, so that the receipt's links are
    /// those the writer's keys give.
    struct Setup {
        let mailer: SignerMail
        let writer: SignatureWriter
        let transport = FlakyTransport(failures: 0)
        let worker: OutboxWorker

        init(
            _ store: TestStore, handover: OutboxHandover? = nil,
            petitions: @escaping @Sendable (UUID) async throws -> Petition?
        ) {
            mailer = store.mailer()
            writer = SignatureWriter(
                store: store.database, petitions: petitions, mailer: mailer, receipts: store.receipts,
                counts: SignatureCounts(store: store.database), logger: TestDatabase.logger, handover: handover)
            worker = OutboxWorker(
                store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                policy: .immediate, handover: handover,
                signerEmails: SignerEmailWriter(mailer: mailer, petitions: petitions))
        }

        /// For `store`'s petition, its emails handed over in memory or left for the worker to claim.
        init(_ store: TestStore, handedOver: Bool) {
            self.init(
                store, handover: handedOver ? OutboxHandover(lease: .seconds(20)) : nil,
                petitions: { _ in store.petition })
        }

        /// Signs and confirms as `email`; returns the signature's id, with the confirmation
        /// request sent and the receipt queued.
        func signAndConfirm(_ email: String, store: TestStore, alsoSigning other: SignatureWriter.SigningJob? = nil)
            async throws -> UUID
        {
            let job = try store.job(email: email)
            try await running(writer) { _ in
                if let other { _ = try await writer.sign(other) }
                _ = try await writer.sign(job)
                await worker.drain()
                #expect(
                    try await writer.confirm(signatureID: job.signature.id) == .confirmed(petitionID: store.petition.id)
                )
            }
            return job.signature.id
        }
    }

    @Test(
        "a receipt is queued as its signature's sealed data, and the email written when sent says what it must",
        arguments: TestDatabase.all, [false, true])
    func writtenWhenSent(database: TestDatabase, handedOver: Bool) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, handedOver: handedOver)
            let signatureID = try await setup.signAndConfirm("receipt@example.org", store: store)

            let rows = try await Self.outboxRows(store)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.receiptOf == signatureID.text)
            #expect(row.confirmationOf == nil)
            #expect(row.id == signatureID.text)
            #expect(row.petitionID == store.petition.id.text)
            // No composed message in the row: what it holds is the signature's own seal.
            let stored = try #require(
                try await store.database.signaturesWithPersonalData(ids: [signatureID])[signatureID])
            #expect(row.sealed == stored.sealedPersonalData)

            await setup.worker.drain()
            let sent = setup.transport.delivered.value
            #expect(sent.count == 2)
            let receipt = try #require(sent.last)
            #expect(receipt.id.text == row.id)
            #expect(receipt.to == "receipt@example.org")
            #expect(receipt.toName == "Writer Test")
            #expect(receipt.subject.contains(store.petition.originalText.title))
            #expect(receipt.textBody.contains(store.receipts.code(for: signatureID)))
            #expect(receipt.textBody.contains(setup.mailer.withdrawalURL(signatureID: signatureID)))
            #expect(
                receipt.textBody.contains(setup.mailer.receiptURL(signatureID: signatureID, petition: store.petition)))
            #expect(try await Self.outboxRows(store).isEmpty)
        }
    }

    @Test(
        "a confirmation request is queued as its signature's sealed data, and the email written when sent says what it must",
        arguments: TestDatabase.all, [false, true])
    func confirmationRequestWrittenWhenSent(database: TestDatabase, handedOver: Bool) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, handedOver: handedOver)
            var request = SignatureRequest(
                name: "أمل حداد", email: EmailAddress("confirm@example.org")!, country: "SY", showNamePublicly: false,
                wantsUpdates: false)
            request.language = .ar
            let job = try SignatureWriter.SigningJob(
                request, on: store.petition, fingerprinter: store.fingerprinter, sealer: store.sealer, at: Date())
            try await running(setup.writer) { _ in _ = try await setup.writer.sign(job) }

            let row = try #require(try await Self.outboxRows(store).first)
            #expect(row.confirmationOf == job.signature.id.text)
            #expect(row.receiptOf == nil)
            #expect(row.petitionID == store.petition.id.text)
            #expect(row.id != job.signature.id.text)
            // No composed message in the row: what it holds is the signature's own seal.
            #expect(row.sealed == job.signature.sealedPersonalData)

            await setup.worker.drain()
            let sent = try #require(setup.transport.delivered.value.first)
            #expect(setup.transport.delivered.value.count == 1)
            #expect(sent.id.text == row.id)
            #expect(sent.to == "confirm@example.org")
            #expect(sent.toName == "أمل حداد")
            #expect(sent.language == "ar")
            let title = (store.petition.text(in: "ar") ?? store.petition.originalText).title
            #expect(sent.subject.contains(title))
            #expect(sent.textBody.contains(setup.mailer.confirmationURL(signatureID: job.signature.id)))
            #expect(try await Self.outboxRows(store).isEmpty)
        }
    }

    @Test(
        "the words a petition's signers' emails share are written once per petition and language, and anew when its title, organizer or address changes"
    )
    func sharedWords() async throws {
        try await TestStore.with(.sqlite) { store in
            let mailer = store.mailer()
            let english = Translations.bundled[.en]
            func request(_ signer: PersonalData, _ petition: Petition) -> EmailMessage {
                mailer.confirmationRequest(
                    id: UUID.random(), createdAt: Date(), signatureID: UUID.random(), signer: signer, petition: petition
                )
            }
            func receipt(_ signer: PersonalData, _ petition: Petition) -> EmailMessage {
                mailer.receipt(
                    id: UUID.random(), createdAt: Date(), signatureID: UUID.random(), signer: signer, petition: petition
                )
            }
            let first = PersonalData(name: "First Signer", email: "first@example.org", language: .en)
            let second = PersonalData(name: "Second Signer", email: "second@example.org", language: .en)
            let arabic = PersonalData(name: "أمل حداد", email: "amal@example.org", language: .ar)
            let petition = store.petition
            let title = petition.originalText.title

            let (one, two) = (request(first, petition), request(second, petition))
            #expect(one.subject == english.text(.emailConfirmSubject, ["title": title]))
            #expect(two.subject == one.subject)
            #expect(one.textBody.contains(english.text(.emailConfirmThanks, ["title": title])))
            #expect(one.textBody.contains(english.text(.emailSignature, ["organizer": petition.organizer])))
            #expect(two.textBody.contains("Second Signer"))
            #expect(!two.textBody.contains("First Signer"))
            let arabicTitle = (petition.text(in: "ar") ?? petition.originalText).title
            #expect(
                receipt(arabic, petition).subject
                    == Translations.bundled[.ar].text(.emailReceiptSubject, ["title": arabicTitle]))
            #expect(receipt(first, petition).subject == english.text(.emailReceiptSubject, ["title": title]))

            var renamed = petition
            renamed.title = "A title changed since"
            renamed.organizer = "Another campaign"
            renamed.slug = "moved"
            let changed = receipt(second, renamed)
            #expect(changed.subject == english.text(.emailReceiptSubject, ["title": renamed.title]))
            #expect(changed.textBody.contains(english.text(.emailSignature, ["organizer": "Another campaign"])))
            #expect(changed.textBody.contains("/p/moved"))
            #expect(!changed.textBody.contains(title))
        }
    }

    @Test(
        "a confirmation request claimed once its signature is no longer pending is dropped unsent; the others go out",
        arguments: TestDatabase.all)
    func unconfirmableRequestsDropped(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, handedOver: false)
            let flood = try (0..<2).map { try store.job(email: "bot\($0)@spam.example") }
            let withdrawn = try store.job(email: "changed-mind@example.org")
            let confirmed = try store.job(email: "quick@example.org")
            let waiting = try store.job(email: "waiting@example.org")
            try await running(setup.writer) { _ in
                for job in flood + [withdrawn, confirmed, waiting] { _ = try await setup.writer.sign(job) }
                _ = try await setup.writer.withdraw(signatureID: withdrawn.signature.id)
                _ = try await setup.writer.confirm(signatureID: confirmed.signature.id)
            }
            let review = SignatureReview(store: store.database, sealer: store.sealer, receipts: store.receipts)
            let window = Date().addingTimeInterval(-3600)...Date().addingTimeInterval(60)
            let invalidation = try await review.invalidate(
                petitionID: store.petition.id, domain: "spam.example", window: window, reason: "Scripted signups")
            #expect(invalidation.signatures == 2)
            #expect(try await Self.outboxRows(store).count == 6)

            await setup.worker.drain()
            // The request of the signature still waiting, and the receipt of the confirmed one.
            let sent = setup.transport.delivered.value
            #expect(sent.count == 2)
            let request = try #require(sent.first { $0.to == "waiting@example.org" })
            #expect(request.textBody.contains(setup.mailer.confirmationURL(signatureID: waiting.signature.id)))
            let receipt = try #require(sent.first { $0.to == "quick@example.org" })
            #expect(receipt.id == confirmed.signature.id)
            #expect(try await Self.outboxRows(store).isEmpty)
            #expect(try await store.database.outboxStatus().failed == 0)
        }
    }

    @Test(
        "a signer who signs again before confirming gets the receipt in the name and language of the last signing",
        arguments: TestDatabase.all)
    func signedAgain(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, petitions: { _ in store.petition })
            func job(_ name: String) throws -> SignatureWriter.SigningJob {
                var request = SignatureRequest(
                    name: name, email: EmailAddress("again@example.org")!, country: "SY", showNamePublicly: false,
                    wantsUpdates: false)
                request.language = .ar
                return try SignatureWriter.SigningJob(
                    request, on: store.petition, fingerprinter: store.fingerprinter, sealer: store.sealer, at: Date())
            }
            let (first, again) = (try job("أمل"), try job("أمل حداد"))
            try await running(setup.writer) { _ in
                _ = try await setup.writer.sign(first)
                _ = try await setup.writer.sign(again)
                #expect(
                    try await setup.writer.confirm(signatureID: first.signature.id)
                        == .confirmed(petitionID: store.petition.id))
            }
            await setup.worker.drain()
            let receipt = try #require(setup.transport.delivered.value.last)
            #expect(receipt.toName == "أمل حداد")
            #expect(receipt.language == "ar")
            #expect(receipt.textBody.contains(store.receipts.code(for: first.signature.id)))
        }
    }

    @Test("a receipt whose petition is gone is given up on at once, not retried", arguments: TestDatabase.all)
    func petitionGone(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let known = Locked(true)
            let setup = Setup(store, petitions: { _ in known.value ? store.petition : nil })
            _ = try await setup.signAndConfirm("gone@example.org", store: store)
            known.withLock { $0 = false }
            await setup.worker.drain()
            #expect(setup.transport.delivered.value.count == 1)
            try await Self.expectGivenUpAtFirstAttempt(store)
        }
    }

    @Test("a receipt pointed at another signature does not open, and is given up on", arguments: TestDatabase.all)
    func pointedElsewhere(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, petitions: { _ in store.petition })
            let other = try store.job(email: "other@example.org")
            _ = try await setup.signAndConfirm("victim@example.org", store: store, alsoSigning: other)
            try await SealedRowBindingTests.execute(
                store, "UPDATE outbox SET receipt_signature_id = '\(other.signature.id.text)'")
            await setup.worker.drain()
            #expect(setup.transport.delivered.value.map(\.to).sorted() == ["other@example.org", "victim@example.org"])
            try await Self.expectGivenUpAtFirstAttempt(store)
        }
    }

    @Test(
        "a receipt whose ids do not read is given up on, and the emails claimed with it still go",
        arguments: TestDatabase.all)
    func unreadableIDs(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, petitions: { _ in store.petition })
            _ = try await setup.signAndConfirm("unreadable@example.org", store: store)
            try await SealedRowBindingTests.execute(
                store, "UPDATE outbox SET receipt_signature_id = 'not-an-id' WHERE receipt_signature_id IS NOT NULL")
            let beside = try store.queuedEmail(to: "beside@example.org")
            try await store.database.write { try await $0.enqueue([beside]) }
            await setup.worker.drain()
            #expect(setup.transport.delivered.value.map(\.to) == ["unreadable@example.org", "beside@example.org"])
            try await Self.expectGivenUpAtFirstAttempt(store)
        }
    }

    @Test(
        "a confirmation request whose ids do not read is given up on, not sent as another email",
        arguments: TestDatabase.all)
    func unreadableConfirmationRequest(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, handedOver: false)
            try await running(setup.writer) { _ in
                _ = try await setup.writer.sign(try store.job(email: "lost@example.org"))
            }
            try await SealedRowBindingTests.execute(store, "UPDATE outbox SET confirmation_signature_id = 'not-an-id'")
            await setup.worker.drain()
            #expect(setup.transport.delivered.value.isEmpty)
            try await Self.expectGivenUpAtFirstAttempt(store)
        }
    }

    enum Ending: String, CaseIterable, Sendable {
        case withdrawn, invalidated, purgedAfterDelivery
    }

    @Test(
        "a receipt not yet sent when its signature stops counting, or its petition's personal data is purged, is dropped with its copy of the signer's data",
        arguments: TestDatabase.all, Ending.allCases)
    func droppedWhenNoLongerCounted(database: TestDatabase, ending: Ending) async throws {
        try await TestStore.with(database) { store in
            let setup = Setup(store, petitions: { _ in store.petition })
            let staying = try store.job(email: "stays@other.example")
            let leaving = try store.job(email: "leaves@example.org")
            let outcomes = try await running(setup.writer) { _ in
                for job in [staying, leaving] { _ = try await setup.writer.sign(job) }
                await setup.worker.drain()
                var outcomes: [SignatureWriter.ConfirmOutcome] = []
                for job in [staying, leaving] {
                    outcomes.append(try await setup.writer.confirm(signatureID: job.signature.id))
                }
                let queued = try await Self.outboxRows(store).compactMap(\.receiptOf)
                #expect(Set(queued) == [staying.signature.id.text, leaving.signature.id.text])
                if ending == .withdrawn {
                    #expect(
                        try await setup.writer.withdraw(signatureID: leaving.signature.id)
                            == .withdrawn(
                                petitionID: store.petition.id))
                }
                return outcomes
            }
            #expect(outcomes == [.confirmed(petitionID: store.petition.id), .confirmed(petitionID: store.petition.id)])
            switch ending {
            case .withdrawn:
                break
            case .invalidated:
                #expect(try await store.invalidateRecent(domain: "example.org") == 1)
            case .purgedAfterDelivery:
                #expect(try await store.purgeAsDeliveredLongAgo() == 2)
            }

            let left = try await Self.outboxRows(store).compactMap(\.receiptOf)
            #expect(left == (ending == .purgedAfterDelivery ? [] : [staying.signature.id.text]))
            await setup.worker.drain()
            // The two confirmation requests, then the receipts still due.
            let sent = setup.transport.delivered.value.map(\.to)
            #expect(Set(sent.prefix(2)) == ["stays@other.example", "leaves@example.org"])
            #expect(Array(sent.dropFirst(2)) == (ending == .purgedAfterDelivery ? [] : ["stays@other.example"]))
            #expect(try await store.database.outboxEntries(limit: 10).isEmpty)
        }
    }

    @Test(
        "a receipt waiting in this instance's hand-over, or confirmed in its withdrawal's own batch, does not go out",
        arguments: TestDatabase.all, [false, true])
    func withdrawnAtOnce(database: TestDatabase, sameBatch: Bool) async throws {
        try await TestStore.with(database) { store in
            let handover = OutboxHandover(lease: .seconds(20))
            let setup = Setup(store, handover: handover, petitions: { _ in store.petition })
            let job = try store.job(email: "quick@example.org")
            let id = job.signature.id
            let later = try await running(setup.writer) { _ in
                _ = try await setup.writer.sign(job)
                await setup.worker.drain()
                if sameBatch { return nil as (SignatureWriter.ConfirmOutcome, SignatureWriter.WithdrawOutcome)? }
                // Each in a batch of its own: the receipt waits in the hand-over when the withdrawal commits.
                return (
                    try await setup.writer.confirm(signatureID: id), try await setup.writer.withdraw(signatureID: id)
                )
            }
            let outcomes: (SignatureWriter.ConfirmOutcome, SignatureWriter.WithdrawOutcome)
            if let later {
                outcomes = later
            } else {
                let writer = SignatureWriter(
                    store: store.database, petitions: { _ in store.petition }, mailer: setup.mailer,
                    receipts: store.receipts, counts: SignatureCounts(store: store.database),
                    logger: TestDatabase.logger, handover: handover)
                // Queued before the writer starts, so that one batch takes both.
                let confirming = Task { try await writer.confirm(signatureID: id) }
                let withdrawing = Task { try await writer.withdraw(signatureID: id) }
                try await Task.sleep(for: .milliseconds(100))
                outcomes = try await running(writer) { _ in (try await confirming.value, try await withdrawing.value) }
            }
            #expect(outcomes.0 == .confirmed(petitionID: store.petition.id))
            #expect(outcomes.1 == .withdrawn(petitionID: store.petition.id))
            #expect(try await Self.outboxRows(store).isEmpty)
            await setup.worker.drain()
            // The confirmation request alone.
            #expect(setup.transport.delivered.value.map(\.to) == ["quick@example.org"])
        }
    }

    @Test(
        "a failed attempt at an email dropped meanwhile is not recorded, and does not fail", arguments: TestDatabase.all
    )
    func attemptAtDroppedEmail(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let attempt = DeliveryAttempt(number: 1, at: Date(), outcome: .retry, replyCode: 451, detail: "try later")
            try await store.database.markFailed(UUID(), attempt: attempt, retryAt: Date())
            try await store.database.markUndeliverable(UUID(), attempt: attempt)
            #expect(try await store.database.outboxEntries(limit: 10).isEmpty)
        }
    }

    /// The one email left in the outbox was given up on after its first attempt: a retry would
    /// fail as well.
    static func expectGivenUpAtFirstAttempt(_ store: TestStore) async throws {
        let entries = try await store.database.outboxEntries(limit: 10)
        #expect(entries.map(\.state) == [.failed])
        #expect(entries.map(\.attempts) == [1])
    }

    struct OutboxRow {
        var id: String
        var sealed: [UInt8]
        /// The signature a receipt is about.
        var receiptOf: String?
        /// The signature a confirmation request is about.
        var confirmationOf: String?
        var petitionID: String?
    }

    static func outboxRows(_ store: TestStore) async throws -> [OutboxRow] {
        let sql = try #require(store.database as? SQLStore)
        return try await sql.driver.transaction { db in
            try await db.raw(
                """
                SELECT id, sealed_message, receipt_signature_id, receipt_petition_id,
                       confirmation_signature_id, confirmation_petition_id
                FROM outbox WHERE state = 'queued'
                """
            ).all().map { row in
                OutboxRow(
                    id: try row.decode(column: "id", as: String.self),
                    sealed: Array(try row.decode(column: "sealed_message", as: Data.self)),
                    receiptOf: try row.decode(column: "receipt_signature_id", as: String?.self),
                    confirmationOf: try row.decode(column: "confirmation_signature_id", as: String?.self),
                    petitionID: try row.decode(column: "receipt_petition_id", as: String?.self)
                        ?? row.decode(column: "confirmation_petition_id", as: String?.self))
            }
        }
    }
}
