import Crypto
import Foundation
import Testing

@testable import Undersigned

/// The organization's CSV of confirmed signatures: what each signer agreed to, nothing more,
/// streamed a batch at a time, and audited.
@Suite("Exporting signatures")
struct SignatureExportTests {
    static let export = "/org/rivers/petitions/clean-rivers/export.csv"
    static let manage = "/org/rivers/petitions/clean-rivers"

    @Test(
        "the export holds confirmed signatures only, names and addresses only as agreed, and is audited",
        arguments: TestDatabase.all)
    func consent(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        let petition = try #require(
            try await instance.prepareOrganization("rivers", owner: owner, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        try await instance.run { browser in
            let signers: [(email: String, name: String, country: String, showName: Bool, updates: Bool)] = [
                ("named-news@example.org", "Amal Haddad", "SY", true, true),
                ("named@example.org", "=SUM(A1:A9)", "FR", true, false),
                ("news@example.org", "Hidden Person", "DE", false, true),
                ("nobody@example.org", "Nobody Named", "IT", false, false),
                ("gone@example.org", "Gone Person", "SY", true, true),
                ("bot@spam.example", "Spam Bot", "SY", true, true),
            ]
            for signer in signers {
                try await browser.newVisitor().signAndConfirm(
                    email: signer.email, on: "clean-rivers", name: signer.name, country: signer.country,
                    showName: signer.showName,
                    updates: signer.updates)
            }
            #expect(
                try await browser.newVisitor().sign(
                    name: "Pending Person", email: "pending@example.org", showName: true, updates: true,
                    slug: "clean-rivers"
                )
                .status == .seeOther)
            try await browser.withdraw(email: "gone@example.org")
        }
        #expect(try await instance.invalidateSignatures(of: petition, domain: "spam.example") == 1)
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            let csv = try await browser.submit(Self.manage, action: Self.export)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"clean-rivers-signatures.csv\"")
            #expect(csv.headers[.cacheControl] == "no-store")
            let lines = csv.body.components(separatedBy: "\r\n").dropLast()
            #expect(lines.first == "confirmed_at,country,source,name,email")
            let rows = lines.dropFirst().map {
                $0.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            }
            for row in rows {
                #expect((try? Date.ISO8601FormatStyle().parse(String(row[0]))) != nil, "\(row[0])")
            }
            #expect(
                Set(rows.map { String($0[1]) })
                    == [
                        "SY,web,Amal Haddad,named-news@example.org", "FR,web,'=SUM(A1:A9),", "DE,web,,news@example.org",
                        "IT,web,,",
                    ])
            for absent in [
                "Hidden Person", "Nobody Named", "named@example.org", "nobody@example.org", "Gone", "gone@", "Spam Bot",
                "spam.example", "Pending", "pending@",
            ] {
                #expect(!csv.body.contains(absent), "\(absent)")
            }
        }
        let event = try #require(
            try await instance.withStore {
                try await $0.auditEntries(organizationID: petition.organizationID, limit: 10)
            }
            .first { $0.event.action == .signaturesExported })
        #expect(event.event.actorID == owner.id)
        #expect(event.event.subjectID == petition.id.text)
        #expect(event.event.details.hasPrefix("CSV of 4 confirmed signatures expected"))
    }

    @Test(
        "the export starts only from the organization's own page: a link or another site's form starts nothing",
        arguments: TestDatabase.all)
    func onlyFromItsOwnForm(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        let petition = try #require(
            try await instance.prepareOrganization("rivers", owner: owner, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        try await instance.run { browser in
            try await browser.newVisitor().signAndConfirm(
                email: "named-news@example.org", on: "clean-rivers", name: "Amal Haddad", country: "SY", showName: true,
                updates: true)
            try await browser.signIn("owner@example.org")
            // A link (an image, a navigation from another site) is a GET: it downloads nothing.
            let linked = try await browser.get(Self.export)
            #expect(linked.status == .methodNotAllowed)
            #expect(!linked.body.contains("Amal Haddad"))
            // A form posted without this site's token, or from another site with it, is refused.
            let manage = try await browser.get(Self.manage)
            #expect(manage.body.contains(#"<form method="post" action="\#(Self.export)">"#))
            for token in ["", "forged"] {
                #expect(try await browser.post(Self.export, form: [("csrf", token)]).status == .forbidden)
            }
            let crossSite = try await browser.post(
                Self.export, form: [("csrf", manage.field("csrf") ?? "")], headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(!crossSite.body.contains("Amal Haddad"))
            // The page's own button works.
            let csv = try await browser.submit(Self.manage, action: Self.export)
            #expect(csv.status == .ok)
            #expect(csv.body.contains("Amal Haddad"))
        }
        let exports = try await instance.withStore {
            try await $0.auditEntries(organizationID: petition.organizationID, limit: 20)
        }
        .filter { $0.event.action == .signaturesExported }
        #expect(exports.count == 1)
    }

    @Test(
        "with the organization's public key set, the CSV streams encrypted to it and opens offline",
        arguments: TestDatabase.all)
    func encrypted(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        let petition = try #require(
            try await instance.prepareOrganization("rivers", owner: owner, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        let key = OrganizationPrivateKey()
        try await instance.run { browser in
            try await browser.newVisitor().signAndConfirm(
                email: "named-news@example.org", on: "clean-rivers", name: "Amal Haddad", country: "SY", showName: true,
                updates: true)
            try await browser.signIn("owner@example.org")
            #expect(
                try await browser.submit("/org/rivers", action: "/org/rivers/key", [("key", key.publicKey.text)]).status
                    == .seeOther)
            let sealed = try await browser.submit(Self.manage, action: Self.export)
            #expect(sealed.status == .ok)
            #expect(sealed.headers[.contentType] == "application/octet-stream")
            #expect(sealed.headers[.contentDisposition] == "attachment; filename=\"clean-rivers-signatures.csv.hpke\"")
            #expect(sealed.bytes.range(of: Data("Amal Haddad".utf8)) == nil)
            #expect(sealed.bytes.range(of: Data("named-news@".utf8)) == nil)
            let file = instance.directory.appendingPathComponent("export.csv.hpke")
            try sealed.bytes.write(to: file)
            let opened = instance.directory.appendingPathComponent("export.csv")
            try EncryptedPackage.decrypt(file: file, with: key, writingTo: opened)
            let csv = try String(contentsOf: opened, encoding: .utf8)
            #expect(csv.hasPrefix("confirmed_at,country,source,name,email\r\n"))
            #expect(csv.contains(",SY,web,Amal Haddad,named-news@example.org\r\n"))
        }
        let event = try #require(
            try await instance.withStore {
                try await $0.auditEntries(organizationID: petition.organizationID, limit: 10)
            }
            .first { $0.event.action == .signaturesExported })
        #expect(event.event.details.hasSuffix("encrypted to the key of fingerprint \(key.publicKey.fingerprint)"))
    }

    @Test(
        "thousands of rows stream out a batch at a time, each exactly once, over a real connection",
        arguments: TestDatabase.all)
    func streaming(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let owner = try await instance.createAccount("owner@example.org")
        let total = 3_500
        let petition = try #require(
            try await instance.prepareOrganization("rivers", owner: owner, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        try await Self.confirmSignatures(total, on: petition, instance: instance)
        try await instance.run(.live) { browser in
            try await browser.signIn("owner@example.org")
            let port = try #require(browser.client.port)
            let manage = try await browser.get(Self.manage)
            let cookies =
                "\(browser.sessionCookieName)=\(try #require(browser.sessionToken)); undersigned_csrf=\(try #require(browser.cookie("undersigned_csrf")))"
            let response = try await RawHTTP.post(
                port: port, path: Self.export, form: "csrf=\(try #require(manage.field("csrf")))",
                headers: ["Cookie": cookies])
            let head = response.head.lowercased()
            #expect(head.hasPrefix("http/1.1 200"))
            #expect(head.contains("transfer-encoding: chunked"))
            #expect(!head.contains("content-length"))
            // The header, then one piece per batch of 1,000: never the whole file at once.
            #expect(response.chunks.count == 1 + (total + SignatureExport.batchSize - 1) / SignatureExport.batchSize)
            for chunk in response.chunks {
                #expect(
                    String(decoding: chunk, as: UTF8.self).components(separatedBy: "\r\n").count - 1
                        <= SignatureExport.batchSize)
            }
            let lines = String(decoding: response.body, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
            #expect(lines.count == total + 1)
            let names = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
            #expect(
                Set(names.filter { !$0.isEmpty }) == Set((0..<total).filter { $0 % 2 == 0 }.map { "Signer \($0)"[...] })
            )
            let emails = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[4] }
            #expect(
                Set(emails.filter { !$0.isEmpty })
                    == Set((0..<total).filter { $0 % 3 == 0 }.map { "signer\($0)@example.org"[...] }))
        }
    }

    /// Stores `count` confirmed signatures straight away, before the application runs, three to
    /// a millisecond so that the export's walk has ties to break.
    static func confirmSignatures(_ count: Int, on petition: Petition, instance: TestInstance) async throws {
        try await instance.withStore { store in
            let sealer = try await instance.sealer(for: store)
            let start = Date().addingTimeInterval(-3_600)
            let signatures = try (0..<count).map { index -> NewSignature in
                let person = PersonalData(name: "Signer \(index)", email: "signer\(index)@example.org")
                let fingerprint = Array(SHA256.hash(data: Array(person.email.utf8)))
                let createdAt = start.addingTimeInterval(Double(index / 3) / 1_000)
                let id = UUID()
                return NewSignature(
                    id: id, petitionID: petition.id, emailFingerprint: fingerprint, country: "SY",
                    showNamePublicly: index % 2 == 0,
                    wantsUpdates: index % 3 == 0, source: .web,
                    sealedPersonalData: try sealer.seal(person, in: .signature(id)), createdAt: createdAt)
            }
            let confirmed = try await store.write { transaction in
                _ = try await transaction.insertNew(signatures)
                return try await transaction.confirm(signatures.map(\.id), at: Date()).count
            }
            #expect(confirmed == count)
        }
    }
}
