import Crypto
import Foundation
import Testing
import ZIPFoundation

@testable import Undersigned

@Suite("Delivery")
struct DeliveryTests {
    @Test(
        "the package holds the letter, consenting names only, withheld small counts and a manifest that matches its files",
        arguments: TestDatabase.all)
    func package(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let writer = store.writer()
            try await running(writer) { _ in
                for index in 0..<12 {
                    var job = try store.job(email: "named\(index)@example.org")
                    job.signature.showNamePublicly = index < 3
                    job.signature.sealedPersonalData = try store.sealer.seal(
                        PersonalData(
                            name: index == 0 ? "=HYPERLINK(\"x\")" : "Named Signer \(index)",
                            email: "named\(index)@example.org"),
                        in: .signature(job.signature.id))
                    job.signature.country = index < 11 ? "SY" : "FR"
                    _ = try await writer.sign(job)
                    _ = try await writer.confirm(signatureID: job.signature.id)
                }
            }
            let deliveries = Deliveries(
                store: store.database,
                signer: TreeHeadSigner(store: store.database, key: store.logKey, logger: TestDatabase.logger),
                sealer: store.sealer, baseURL: URL(string: "https://sign.example.org")!)
            let scratch = try ScratchDirectory(named: "package")
            defer { withExtendedLifetime(scratch) {} }
            let directory = scratch.url
            let zip = directory.appendingPathComponent("package.zip")
            let digests = try await deliveries.package(store.petition, to: zip)
            #expect(digests.map(\.name) == ["letter.html", "countries.csv", "signatures.csv", "manifest.json"])

            // Every file in the archive hashes to what the manifest says.
            let files = try OrganizationPackageTests.verifiedFiles(of: zip)
            let manifest = try JSONDecoder().decode(
                DeliveryPackage.Manifest.self, from: try #require(files["manifest.json"]))
            #expect(manifest.files.map(\.name) == ["letter.html", "countries.csv", "signatures.csv"])

            // The tree head in the manifest is signed, and counts every confirmed signature.
            #expect(manifest.treeHead.signatureCount == 12 && manifest.treeHead.size == 12)
            let key = try Curve25519.Signing.PublicKey(
                rawRepresentation: try #require(Data(base64Encoded: manifest.logKey.publicKey)))
            #expect(
                key.isValidSignature(
                    try #require(Data(base64Encoded: manifest.treeHead.signature)),
                    for: ReceiptTests.bytes(manifest.treeHead.signedData)))

            let names = String(decoding: try #require(files["signatures.csv"]), as: UTF8.self)
            #expect(names.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 4)
            #expect(names.contains("Named Signer 1,SY") && names.contains("Named Signer 2,SY"))
            #expect(!names.contains("Named Signer 3"))
            #expect(!names.contains("@example.org"))
            #expect(names.contains("\"'=HYPERLINK(\"\"x\"\")\",SY"))

            let countries = String(decoding: try #require(files["countries.csv"]), as: UTF8.self)
            // Syria's 11 are given; France, below the threshold, is not named, and its one signer is not a figure.
            #expect(countries.contains("SY,Syria,11"))
            #expect(countries.contains(",Other countries (each fewer than 10),fewer than 10"))
            #expect(!countries.contains("France"))
            let letter = String(decoding: try #require(files["letter.html"]), as: UTF8.self)
            #expect(letter.contains("12 people signed this petition"))
            // Dated as British English writes a long date, in UTC.
            let british = DateFormatter()
            british.locale = Locale(identifier: "en_GB")
            british.timeZone = TimeZone(identifier: "UTC")
            british.dateStyle = .long
            let generated = Date(timeIntervalSince1970: Double(manifest.generatedAt) / 1000)
            #expect(letter.contains("<p>\(british.string(from: generated))</p>"))
            #expect(letter.contains("António Guterres"))
            #expect(letter.contains(manifest.treeHead.rootHash))
            #expect(!letter.contains("Named Signer"))
            #expect(!letter.contains("<script"))
        }
    }

    @Test(
        "recording the last target's delivery moves the petition to delivered; bad targets and evidence are refused",
        arguments: TestDatabase.all)
    func records(database: TestDatabase) async throws {
        try await TestStore.with(database) { store in
            let deliveries = Deliveries(
                store: store.database,
                signer: TreeHeadSigner(store: store.database, key: store.logKey, logger: TestDatabase.logger),
                sealer: store.sealer, baseURL: URL(string: "https://sign.example.org")!)
            let petition = store.petition
            #expect(petition.targets.count == 4)
            await #expect(throws: DeliveryError.noSuchTarget(4)) {
                try await deliveries.record(
                    petition, targetPosition: 4, deliveredAt: Date(), channel: .email, deliveredBy: "A", notes: "",
                    evidence: nil)
            }
            #expect(throws: DeliveryError.self) { try DeliveryRecord.Evidence(fileName: "run.sh", bytes: [1]) }
            #expect(throws: DeliveryError.evidenceTooLarge) {
                try DeliveryRecord.Evidence(
                    fileName: "big.pdf", bytes: [UInt8](repeating: 0, count: DeliveryRecord.Evidence.maximumSize + 1))
            }
            let evidence = try DeliveryRecord.Evidence(
                fileName: "/tmp/receipt.pdf", bytes: Array("%PDF-1.7 receipt".utf8))
            for position in 0..<3 {
                let result = try await deliveries.record(
                    petition, targetPosition: position, deliveredAt: Date(), channel: .inPerson,
                    deliveredBy: "Campaign team", notes: "handed over",
                    evidence: position == 0 ? evidence : nil)
                #expect(!result.petitionDelivered)
            }
            let last = try await deliveries.record(
                petition, targetPosition: 3, deliveredAt: Date(), channel: .onlineForm, deliveredBy: "Campaign team",
                notes: "", evidence: nil)
            #expect(last.petitionDelivered)
            #expect(try await store.database.petition(id: petition.id)?.state == .delivered)
            let recorded = try await store.database.deliveries(petitionID: petition.id)
            #expect(recorded.map(\.targetPosition) == [0, 1, 2, 3])
            #expect(
                recorded[0].evidence
                    == DeliveryRecord.Evidence(
                        fileName: "receipt.pdf", contentType: "application/pdf", bytes: evidence.bytes))
            #expect(recorded[0].treeHead.isValid(under: store.logKey.publicKey))
            #expect(recorded[0].treeHead.count == 0)
        }
    }
}
