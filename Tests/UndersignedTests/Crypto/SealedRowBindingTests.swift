import Crypto
import Foundation
import SQLKit
import Testing

@testable import Undersigned

/// Sealed values are bound to their row and purpose: one copied into another row, by
/// someone who can write to the database but holds no key, does not open there.
@Suite("Sealed values bound to their rows")
struct SealedRowBindingTests {
    @Test("an account's sealed address copied into another account does not open there", arguments: TestDatabase.all)
    func accounts(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let accounts = Accounts(
                store: store.database, secret: try ServerSecret(String(repeating: "s", count: 32)),
                sealer: store.sealer,
                settings: Self.cheapHashing)
            let attacker = try await accounts.create(
                name: "Mallory", email: "mallory@example.org", password: "a long passphrase", isAdmin: false, actor: nil
            )
            let victim = try await accounts.create(
                name: "Victim", email: "victim@example.org", password: "another passphrase", isAdmin: false, actor: nil)
            // Copied in, the victim's password reset email would go to the attacker.
            try await Self.execute(
                store,
                "UPDATE accounts SET sealed_email = (SELECT sealed_email FROM accounts WHERE id = '\(attacker.id.text)') WHERE id = '\(victim.id.text)'"
            )
            let copied = try #require(try await store.database.account(id: victim.id))
            let error = try #require(throws: PersonalDataSealer.SealingError.self) { try accounts.email(of: copied) }
            #expect("\(error)".contains("another row"), "\(error)")
            #expect(
                try accounts.email(of: try #require(try await store.database.account(id: attacker.id)))
                    == "mallory@example.org")
        }
    }

    @Test("a queued email copied into another outbox row is given up on, not sent twice", arguments: TestDatabase.all)
    func outbox(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let first = try store.queuedEmail(to: "first@example.org")
            let second = try store.queuedEmail(to: "second@example.org")
            try await store.database.write { try await $0.enqueue([first, second]) }
            try await Self.execute(
                store,
                "UPDATE outbox SET sealed_message = (SELECT sealed_message FROM outbox WHERE id = '\(first.id.text)') WHERE id = '\(second.id.text)'"
            )
            let transport = FlakyTransport(failures: 0)
            let worker = OutboxWorker(
                store: store.database, transport: transport, sealer: store.sealer, logger: TestDatabase.logger,
                policy: .immediate)
            await worker.drain()
            #expect(transport.delivered.withLock { $0.map(\.to) } == ["first@example.org"])
            let entries = try await store.database.outboxEntries(limit: 10)
            #expect(entries.map(\.id) == [second.id])
            #expect(entries.map(\.state) == [.failed])
        }
    }

    @Test(
        "a value sealed before places were bound still opens; a new one opens only in its own column and row",
        arguments: TestDatabase.all)
    func formats(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let data = PersonalData(name: "Amal Haddad", email: "amal@example.org")
            let id = UUID()
            // As earlier releases wrote it: version 2, the header authenticated and nothing else.
            let (keyID, key) = try store.dataKeys.current()
            let header: [UInt8] = [
                2, UInt8(keyID >> 24 & 0xFF), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF), UInt8(keyID & 0xFF),
            ]
            let old =
                header
                + Array(
                    try ChaChaPoly.seal(SealedFields.encode(data.sealedFields), using: key, authenticating: header)
                        .combined)
            #expect(try store.sealer.open(PersonalData.self, from: old, in: .signature(id)) == data)

            let sealed = try store.sealer.seal(data, in: .signature(id))
            #expect(sealed[0] == 3)
            #expect(try store.sealer.open(PersonalData.self, from: sealed, in: .signature(id)) == data)
            for elsewhere in [SealedPlace.signature(UUID()), .account(id), .invitation(id), .outbox(id), .report(id)] {
                #expect(throws: PersonalDataSealer.SealingError.doesNotOpen) {
                    try store.sealer.open(PersonalData.self, from: sealed, in: elsewhere)
                }
            }
            // Claiming the old format for a new value does not get round the binding.
            var downgraded = sealed
            downgraded[0] = 2
            #expect(throws: PersonalDataSealer.SealingError.doesNotOpen) {
                try store.sealer.open(PersonalData.self, from: downgraded, in: .signature(id))
            }
        }
    }

    static let cheapHashing: Settings = {
        var settings = Settings()
        settings.passwordHashCost = 4
        return settings
    }()

    static func execute(_ store: TestStore, _ statement: String) async throws {
        let sql = try #require(store.database as? SQLStore)
        try await sql.driver.transaction { db in try await db.raw("\(unsafeRaw: statement)").run() }
    }
}
