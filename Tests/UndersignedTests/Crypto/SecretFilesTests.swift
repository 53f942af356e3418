import Foundation
import Logging
import Testing

@testable import Undersigned

/// The files that hold the instance's secrets: created private to their owner, and never
/// replaced when they cannot be read.
@Suite("Secret and key files")
struct SecretFilesTests {
    @Test(
        "the secret, the master keys and the log key are created readable by their owner only",
        arguments: [TestDatabase.sqlite])
    func createdPrivate(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { _ in }
        for name in ["undersigned.secret", "undersigned.keys", "undersigned-log.key"] {
            #expect(try Self.mode(instance.directory.appendingPathComponent(name).path) == 0o600, "\(name)")
        }
        let organizationKey = instance.directory.appendingPathComponent("org-package.key").path
        _ = try OrganizationPrivateKey.generate(writingTo: organizationKey)
        #expect(try Self.mode(organizationKey) == 0o600)
    }

    @Test(
        "a secret or key file that cannot be used stops startup, says which file, and is left as it was",
        arguments: [
            ("undersigned.secret", Data([0xFF, 0xFE, 0x00, 0x80, 0x0A])),
            ("undersigned.secret", Data("too short\n".utf8)),
            ("undersigned.keys", Data("not a key\n".utf8)), ("undersigned.keys", Data([0xFF, 0xFE, 0x0A])),
            ("undersigned-log.key", Data("not a key\n".utf8)), ("undersigned-log.key", Data([0xFF, 0xFE, 0x0A])),
        ])
    func malformed(name: String, contents: Data) async throws {
        let instance = try await TestInstance(.sqlite)
        let file = instance.directory.appendingPathComponent(name)
        try contents.write(to: file)
        let error = await #expect(throws: SettingsError.self) {
            _ = try await buildApplication(settings: instance.settings, logger: Logger(label: "undersigned.test"))
        }
        #expect(error?.description.contains(file.path) == true, "\(String(describing: error))")
        #expect(try Data(contentsOf: file) == contents)
    }

    @Test("an existing key file is never replaced by the commands that create one")
    func neverReplaced() throws {
        let scratch = try ScratchDirectory(named: "secret-files")
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let logKey = directory.appendingPathComponent("log.key").path
        try "kept\n".write(toFile: logKey, atomically: false, encoding: .utf8)
        #expect(throws: SettingsError.self) { try LogSigningKey.create(logKey) }
        #expect(try String(contentsOfFile: logKey, encoding: .utf8) == "kept\n")
        #expect(throws: OrganizationKeyError.self) { try OrganizationPrivateKey.generate(writingTo: logKey) }
        #expect(try String(contentsOfFile: logKey, encoding: .utf8) == "kept\n")
    }

    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }
}
