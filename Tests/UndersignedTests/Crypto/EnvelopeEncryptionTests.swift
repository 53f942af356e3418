import Crypto
import Foundation
import Testing

@testable import Undersigned

@Suite("Envelope encryption")
struct EnvelopeEncryptionTests {
    @Test("sealed data opens only with its instance's keys and shows nothing in clear", arguments: TestDatabase.all)
    func sealing(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let data = PersonalData(name: "سارة", email: "sara@example.org", comment: "a comment")
            let place = SealedPlace.signature(UUID())
            let sealed = try store.sealer.seal(data, in: place)
            #expect(try store.sealer.open(PersonalData.self, from: sealed, in: place) == data)
            #expect(!String(decoding: sealed, as: UTF8.self).contains("sara@example.org"))

            // Another instance's master key cannot unwrap this database's data keys.
            let stranger = DataKeyRing(
                store: store.database, masterKeys: try Self.newKeys(), reloadMasterKeys: { try Self.newKeys() })
            await #expect(throws: (any Error).self) { try await stranger.refresh() }
            #expect(throws: (any Error).self) {
                try PersonalDataSealer(keys: stranger).open(PersonalData.self, from: sealed, in: place)
            }

            // A flipped byte, or a value whose header names another key, is refused.
            var tampered = sealed
            tampered[tampered.count - 1] ^= 1
            #expect(throws: (any Error).self) { try store.sealer.open(PersonalData.self, from: tampered, in: place) }
            var renamed = sealed
            renamed[1] ^= 1
            #expect(throws: (any Error).self) { try store.sealer.open(PersonalData.self, from: renamed, in: place) }
        }
    }

    @Test(
        "rotating the master key re-wraps the data keys; old data still opens, old master keys are then unneeded",
        arguments: TestDatabase.all)
    func rotation(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let keyFile = directory.appendingPathComponent("undersigned.keys").path
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try store.masterKeyLine.write(toFile: keyFile, atomically: true, encoding: .utf8)
            let firstKeys = try MasterKeys.read(keyFile)
            let running = DataKeyRing(
                store: store.database, masterKeys: firstKeys, reloadMasterKeys: { try MasterKeys.read(keyFile) })
            try await running.refresh()
            let place = SealedPlace.signature(UUID())
            let before = try PersonalDataSealer(keys: running).seal(
                PersonalData(name: "Before", email: "before@example.org"), in: place)

            // The operator adds a new primary key, then rotates from another process.
            let newID = try MasterKeys.addPrimaryKey(toFile: keyFile)
            let operatorRing = DataKeyRing(
                store: store.database, masterKeys: try MasterKeys.read(keyFile),
                reloadMasterKeys: { try MasterKeys.read(keyFile) })
            let rotation = try await operatorRing.rotate()
            #expect(rotation.unusedMasterKeyIDs == [firstKeys.primaryID])
            #expect(try await store.database.dataKeys().allSatisfy { $0.masterKeyID == newID })

            // The running instance picks the rotation up at its next refresh, without a restart.
            try await running.refresh()
            let sealer = PersonalDataSealer(keys: running)
            let after = try sealer.seal(PersonalData(name: "After", email: "after@example.org"), in: place)
            #expect(after[1...4] != before[1...4])

            // With the old master key gone from the file, everything still opens.
            let onlyNew = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasPrefix(firstKeys.primaryID) }.joined(separator: "\n")
            try onlyNew.write(toFile: keyFile, atomically: true, encoding: .utf8)
            let restarted = DataKeyRing(
                store: store.database, masterKeys: try MasterKeys.read(keyFile),
                reloadMasterKeys: { try MasterKeys.read(keyFile) })
            try await restarted.refresh()
            #expect(
                try PersonalDataSealer(keys: restarted).open(PersonalData.self, from: before, in: place).email
                    == "before@example.org")
            #expect(
                try PersonalDataSealer(keys: restarted).open(PersonalData.self, from: after, in: place).email
                    == "after@example.org")
        }
    }

    @Test("the key file is created private to its owner, and a malformed one is refused, never overwritten")
    func keyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("undersigned.keys").path
        let created = try MasterKeys.load(configured: nil, keyFile: keyFile)
        #expect(try MasterKeys.load(configured: nil, keyFile: keyFile).primaryID == created.primaryID)
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        try "not a key".write(toFile: keyFile, atomically: true, encoding: .utf8)
        #expect(throws: SettingsError.self) { try MasterKeys.load(configured: nil, keyFile: keyFile) }
        #expect(throws: SettingsError.self) { try MasterKeys.addPrimaryKey(toFile: keyFile) }
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8) == "not a key")

        #expect(throws: SettingsError.self) { try MasterKeys(text: "k1 c2hvcnQ=", source: "test") }
        #expect(throws: SettingsError.self) { try MasterKeys(text: "# only a comment", source: "test") }
        let line = MasterKeys.newKeyLine()
        #expect(throws: SettingsError.self) { try MasterKeys(text: "\(line.line)\n\(line.line)", source: "test") }
        #expect(
            try MasterKeys(text: "\(line.line),\(MasterKeys.newKeyLine().line)", source: "env").primaryID == line.id)
    }

    private static func newKeys() throws -> MasterKeys {
        try MasterKeys(text: MasterKeys.newKeyLine().line, source: "test")
    }
}
