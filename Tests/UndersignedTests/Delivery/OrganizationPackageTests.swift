import Crypto
import Foundation
import Testing
import ZIPFoundation

@testable import Undersigned

/// Delivery packages downloaded from the organization's page: encrypted to its public key
/// when it has one, audited, and for its owners only; targets' links stay plain.
@Suite("Delivery packages for the organization")
struct OrganizationPackageTests {
    static let packagePath = "/org/acme/petitions/\(TestInstance.seedSlug)/package"

    @Test(
        "an owner downloads the package encrypted to the organization's key and opens it offline; others cannot",
        arguments: TestDatabase.all)
    func encryptedDownload(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.createAccount("editor@example.org")
        try await instance.createAccount("outsider@example.org")
        let key = OrganizationPrivateKey()
        try await instance.run { owner in
            try await Self.signAndConfirm(
                owner.newVisitor(), name: "Named Signer", email: "named@example.org", showName: true)
            try await Self.signAndConfirm(
                owner.newVisitor(), name: "Quiet Signer", email: "quiet@example.org", showName: false)
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Acme", slug: "acme")
            let editor = owner.newVisitor()
            try await editor.signIn("editor@example.org")
            let link = try await owner.invite("editor@example.org", role: .editor, to: "acme")
            #expect(try await editor.submit(link, action: "\(link)/accept").status == .seeOther)
            let outsider = owner.newVisitor()
            try await outsider.signIn("outsider@example.org")
            try await outsider.createOrganization("Elsewhere", slug: "elsewhere")
            try await Self.assignSeed(to: "acme", instance)
            #expect(
                try await owner.submit("/org/acme", action: "/org/acme/key", [("key", key.publicKey.text)]).status
                    == .seeOther)

            let page = try await owner.get("/org/acme")
            #expect(page.body.contains(#"action="\#(Self.packagePath)""#))
            #expect(page.body.contains("It is encrypted to the organization&#39;s public key"))
            let download = try await owner.submit("/org/acme", action: Self.packagePath)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/octet-stream")
            #expect(
                download.headers[.contentDisposition]
                    == "attachment; filename=\"\(TestInstance.seedSlug)-delivery.zip.hpke\"")
            #expect(download.headers[.cacheControl] == "no-store")
            #expect(download.headers[.contentLength] == String(download.bytes.count))
            #expect(download.bytes.starts(with: Data("UNDERSIGNED-PACKAGE-1\n".utf8)))
            #expect(download.bytes.range(of: Data("Named Signer".utf8)) == nil)

            // Opened offline with the private key, as `undersigned decrypt-package` does.
            let sealed = instance.directory.appendingPathComponent("package.zip.hpke")
            try download.bytes.write(to: sealed)
            let opened = instance.directory.appendingPathComponent("package.zip")
            try EncryptedPackage.decrypt(file: sealed, with: key, writingTo: opened)
            let files = try Self.verifiedFiles(of: opened)
            let names = String(decoding: try #require(files["signatures.csv"]), as: UTF8.self)
            #expect(names.contains("Named Signer,SY"))
            #expect(!names.contains("Quiet Signer"))

            // Changed or cut short on the way, it does not open.
            var flipped = download.bytes
            flipped[flipped.count - 20] ^= 0x01
            for (name, bytes, expected) in [
                ("flipped", flipped, EncryptedPackageError.tampered),
                ("cut", download.bytes.dropLast(100), EncryptedPackageError.truncated),
            ] {
                let file = instance.directory.appendingPathComponent("\(name).hpke")
                try Data(bytes).write(to: file)
                #expect(throws: expected) {
                    try EncryptedPackage.decrypt(
                        file: file, with: key, writingTo: instance.directory.appendingPathComponent("\(name).zip"))
                }
            }
            #expect(throws: EncryptedPackageError.self) {
                try EncryptedPackage.decrypt(
                    file: sealed, with: OrganizationPrivateKey(),
                    writingTo: instance.directory.appendingPathComponent("other.zip"))
            }

            // An editor may not take the names away; someone of another organization learns nothing.
            #expect(!(try await editor.get("/org/acme")).body.contains(#"action="\#(Self.packagePath)""#))
            #expect(try await editor.submit("/org/acme", action: Self.packagePath).status == .forbidden)
            #expect(try await outsider.submit("/org/elsewhere", action: Self.packagePath).status == .notFound)
            let elsewhere = try await outsider.submit(
                "/org/elsewhere", action: "/org/elsewhere/petitions/\(TestInstance.seedSlug)/package")
            #expect(elsewhere.status == .notFound)
            // Without the form's token, nothing is exported.
            #expect(try await owner.post(Self.packagePath, form: [("csrf", "forged")]).status == .forbidden)

            // A draft has nothing to deliver yet.
            let draft = try await owner.createPetition(in: "acme", Browser.petitionForm(title: "A draft of ours"))
            #expect(
                try await owner.submit("/org/acme", action: "/org/acme/petitions/\(draft)/package").status == .conflict)

            let log = try await owner.get("/org/acme/audit").body
            #expect(log.contains("petition.package-exported"))
            #expect(
                log.contains(
                    "\(TestInstance.seedSlug), encrypted to the key of fingerprint \(key.publicKey.fingerprint)"))
        }
        #expect(try await instance.auditActions().filter { $0 == .deliveryPackageExported }.count == 1)
    }

    @Test("without a key the organization gets the plain ZIP; a target's link always does", arguments: TestDatabase.all)
    func plainDownloads(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { owner in
            try await Self.signAndConfirm(
                owner.newVisitor(), name: "Named Signer", email: "named@example.org", showName: true)
            try await owner.signIn("owner@example.org")
            try await owner.createOrganization("Acme", slug: "acme")
            try await Self.assignSeed(to: "acme", instance)

            #expect(
                try await owner.get("/org/acme").body.contains(
                    "It is not encrypted: the organization has no public key"))
            let plain = try await owner.submit("/org/acme", action: Self.packagePath)
            #expect(plain.status == .ok)
            #expect(plain.headers[.contentType] == "application/zip")
            #expect(
                plain.headers[.contentDisposition] == "attachment; filename=\"\(TestInstance.seedSlug)-delivery.zip\"")
            #expect(plain.headers[.cacheControl] == "no-store")
            let zip = instance.directory.appendingPathComponent("plain.zip")
            try plain.bytes.write(to: zip)
            #expect(
                String(decoding: try #require(try Self.verifiedFiles(of: zip)["signatures.csv"]), as: UTF8.self)
                    .contains("Named Signer"))

            // With a key set, the target's private link still gives the plain ZIP: it is not the organization.
            let key = OrganizationPrivateKey()
            #expect(
                try await owner.submit("/org/acme", action: "/org/acme/key", [("key", key.publicKey.text)]).status
                    == .seeOther)
            let (token, _) = try await TargetTests.links(instance)
            let forTarget = try await owner.newVisitor().get("/t/\(token)/package.zip")
            #expect(forTarget.status == .ok && forTarget.headers[.contentType] == "application/zip")
            let targetZip = instance.directory.appendingPathComponent("target.zip")
            try forTarget.bytes.write(to: targetZip)
            #expect(try Self.verifiedFiles(of: targetZip).keys.contains("manifest.json"))

            let log = try await owner.get("/org/acme/audit").body
            #expect(log.contains("not encrypted: the organization has no public key"))
        }
    }

    @Test(
        "the command line's export: audited, and encrypted to the organization's key when it has one",
        arguments: TestDatabase.all)
    func commandLineExport(database: TestDatabase) async throws {
        let key = OrganizationPrivateKey()
        try await TestStore.with(database) { store in
            let exports = PackageExports(
                deliveries: Deliveries(
                    store: store.database,
                    signer: TreeHeadSigner(store: store.database, key: store.logKey, logger: TestDatabase.logger),
                    sealer: store.sealer, baseURL: URL(string: "https://sign.example.org")!),
                store: store.database)
            let scratch = try ScratchDirectory(named: "export")
            defer { withExtendedLifetime(scratch) {} }
            let directory = scratch.url

            // The seed belongs to no organization: nothing to encrypt to.
            let unowned = try await exports.export(
                store.petition, by: nil, zipTo: directory.appendingPathComponent("unowned.zip"))
            #expect(unowned.key == nil)

            let organization = Organization(slug: "acme", name: "Acme", createdAt: Date())
            try await store.database.accountTransaction { transaction in
                _ = try await transaction.insert(organization)
                try await transaction.setPublicKey(key.publicKey, organizationID: organization.id, at: Date())
            }
            try await PetitionEditor(store: store.database, review: .required).assign(
                store.petition.id, to: organization)
            let petition = try #require(try await store.database.petition(id: store.petition.id))
            let zip = directory.appendingPathComponent("owned.zip")
            let export = try await exports.export(petition, by: nil, zipTo: zip)
            #expect(export.key == key.publicKey)
            #expect(export.files.map(\.name) == ["letter.html", "countries.csv", "signatures.csv", "manifest.json"])
            let sealed = directory.appendingPathComponent("owned.zip.hpke")
            try await EncryptedPackage.encrypt(file: zip, to: key.publicKey, writingTo: sealed)
            let opened = directory.appendingPathComponent("opened.zip")
            try EncryptedPackage.decrypt(file: sealed, with: key, writingTo: opened)
            #expect(try Data(contentsOf: opened) == Data(contentsOf: zip))

            let entries = try await store.database.auditEntries(organizationID: nil, limit: 10).filter {
                $0.event.action == .deliveryPackageExported
            }
            #expect(entries.count == 2)
            #expect(entries.allSatisfy { $0.event.actorID == nil })
            #expect(
                entries.contains {
                    $0.event.details.hasSuffix("not encrypted: the petition has no organization")
                        && $0.event.organizationID == nil
                })
            #expect(
                entries.contains {
                    $0.event.details.hasSuffix("encrypted to the key of fingerprint \(key.publicKey.fingerprint)")
                        && $0.event.organizationID == organization.id
                })
        }
    }

    // MARK: Helpers

    static func signAndConfirm(_ browser: Browser, name: String, email: String, showName: Bool) async throws {
        #expect(try await browser.sign(name: name, email: email, showName: showName).status == .seeOther)
        let link = try #require(try await browser.mailbox.waitForMessages(to: email).first?.confirmationPath)
        #expect(try await browser.confirm(link).status == .seeOther)
    }

    /// Hands the seed petition to the organization, as `undersigned assign-petition` does.
    static func assignSeed(to slug: String, _ instance: TestInstance) async throws {
        let store = try await openDatabase(instance.settings.database, logger: TestDatabase.logger)
        try await withServices(of: store) {
            let seed = try #require(try await store.petition(slug: TestInstance.seedSlug))
            let organization = try #require(try await store.organization(slug: slug))
            try await PetitionEditor(store: store, review: .required).assign(seed.id, to: organization)
        }
    }

    /// The ZIP's files, once every one is seen to hash to what the manifest says.
    static func verifiedFiles(of zip: URL) throws -> [String: Data] {
        let archive = try Archive(url: zip, accessMode: .read)
        var files: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            files[entry.path] = data
        }
        #expect(Set(files.keys) == ["letter.html", "countries.csv", "signatures.csv", "manifest.json"])
        let manifest = try JSONDecoder().decode(
            DeliveryPackage.Manifest.self, from: try #require(files["manifest.json"]))
        #expect(manifest.files.count == 3)
        for file in manifest.files {
            let data = try #require(files[file.name])
            #expect(SHA256.hash(data: data).hex == file.sha256, "\(file.name)")
            #expect(data.count == file.bytes, "\(file.name)")
        }
        return files
    }
}
