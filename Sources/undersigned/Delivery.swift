import ArgumentParser
import Foundation
import Undersigned

/// The petition's deliveries, for `deliver`: they sign tree heads with the log key.
func withDeliveries<Result: Sendable>(
    settings: Settings, slug: String, _ body: @Sendable (Deliveries, Petition) async throws -> Result
) async throws -> Result {
    let logKey = try settings.loadLogSigningKey()
    return try await withPetition(settings: settings, slug: slug) { database, sealer, petition in
        try await body(makeDeliveries(settings: settings, database: database, sealer: sealer, logKey: logKey), petition)
    }
}

/// The petition's package exports, for `export`: audited, as downloads from the organization's page are.
func withExports<Result: Sendable>(
    settings: Settings, slug: String, _ body: @Sendable (PackageExports, Petition) async throws -> Result
) async throws -> Result {
    let logKey = try settings.loadLogSigningKey()
    return try await withPetition(settings: settings, slug: slug) { database, sealer, petition in
        let deliveries = makeDeliveries(settings: settings, database: database, sealer: sealer, logKey: logKey)
        return try await body(PackageExports(deliveries: deliveries, store: database), petition)
    }
}

private func makeDeliveries(settings: Settings, database: any Database, sealer: PersonalDataSealer, logKey: LogSigningKey) -> Deliveries {
    let signer = TreeHeadSigner(store: database, key: logKey, logger: makeLogger(settings))
    return Deliveries(store: database, signer: signer, sealer: sealer, baseURL: settings.baseURL, threshold: settings.smallCountThreshold)
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a petition's delivery package: a ZIP with the letter, consenting signers' names, per-country counts and a manifest with the signed tree head.",
        discussion: "When the petition's organization has a public key, the ZIP is encrypted to it and written to OUTPUT.hpke: open it with `undersigned decrypt-package`. Each export is in the audit log.")

    @OptionGroup var options: SettingsOptions
    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "Where to write the ZIP (must not exist, nor OUTPUT.hpke).")
    var output: String

    func run() async throws {
        let settings = try options.settings()
        let plainDestination = URL(fileURLWithPath: output)
        let encryptedDestination = URL(fileURLWithPath: "\(output).\(EncryptedPackage.fileExtension)")
        for destination in [plainDestination, encryptedDestination] where FileManager.default.fileExists(atPath: destination.path) {
            throw ValidationError("\(destination.path) exists already")
        }
        let export = try await withExports(settings: settings, slug: petition) { exports, petition in
            let zip = try PackageScratch.newFile()
            defer { PackageScratch.remove(zip) }
            let export = try await exports.export(petition, by: nil, zipTo: zip)
            if let key = export.key {
                try await EncryptedPackage.encrypt(file: zip, to: key, writingTo: encryptedDestination)
            } else {
                try FileManager.default.moveItem(at: zip, to: plainDestination)
            }
            return export
        }
        if let key = export.key {
            print("wrote \(encryptedDestination.path), encrypted to the organization's public key (fingerprint \(key.fingerprint)), holding:")
        } else {
            print("wrote \(output):")
        }
        for file in export.files { print("  \(file.name)  \(file.bytes) bytes  sha256 \(file.sha256)") }
    }
}

struct Deliver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record that a petition was delivered to one of its targets; once every target has a delivery, the petition is delivered.")

    @OptionGroup var options: SettingsOptions
    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "The target's position on the petition, from 1.")
    var target: Int
    @Option(help: "email, in-person, post or online-form.")
    var channel: String
    @Option(help: "Who delivered it.")
    var by: String
    @Option(help: "Notes, e.g. who received it.")
    var notes: String = ""
    @Option(help: "A file that proves the delivery (pdf, png, jpg, txt, eml; at most 10 MB).")
    var evidence: String?
    @Option(help: "When it was delivered (YYYY-MM-DD); default now.")
    var date: String?

    func run() async throws {
        let settings = try options.settings()
        guard let channel = DeliveryChannel(rawValue: channel) else {
            throw ValidationError("--channel is one of \(DeliveryChannel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let deliveredAt = try date.map { text in
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            guard let date = formatter.date(from: text) else { throw ValidationError("--date is YYYY-MM-DD") }
            return date
        } ?? Date()
        let evidence = try evidence.map { path in
            try DeliveryRecord.Evidence(fileName: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        let (record, delivered) = try await withDeliveries(settings: settings, slug: petition) { [target, by, notes] deliveries, petition in
            try await deliveries.record(
                petition, targetPosition: target - 1, deliveredAt: deliveredAt, channel: channel, deliveredBy: by, notes: notes, evidence: evidence)
        }
        print("recorded delivery \(record.id.uuidString.lowercased()): \(record.treeHead.count) signature(s), tree head of size \(record.treeHead.size)")
        if delivered { print("every target has a delivery: the petition is now delivered") }
    }
}

struct TargetLink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target-link",
        abstract: "Make a private link for one of a petition's targets, to read the delivery and respond in public; or revoke its links.")

    @OptionGroup var options: SettingsOptions
    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "The target's position on the petition, from 1.")
    var target: Int
    @Flag(help: "Revoke every link of this target instead.")
    var revoke = false

    func run() async throws {
        let settings = try options.settings()
        let message = try await withDatabase(settings: settings, logger: makeLogger(settings)) { [petition, target, revoke] database in
            guard let found = try await database.petition(slug: petition) else { throw ValidationError("no petition has the slug \(petition)") }
            guard found.targets.indices.contains(target - 1) else { throw ValidationError("the petition has \(found.targets.count) target(s)") }
            let name = found.targets[target - 1].name
            let now = Date()
            if revoke {
                let revoked = try await database.revokeTargetLinks(
                    petitionID: found.id, targetPosition: target - 1, at: now,
                    audit: TargetLinks.event(.targetLinksRevoked, found, targetPosition: target - 1, by: nil, at: now))
                return "revoked \(revoked) link(s) of \(name)"
            }
            let (token, hash) = TargetLinks.newToken()
            try await database.insertTargetLink(
                petitionID: found.id, targetPosition: target - 1, tokenHash: hash, at: now,
                audit: TargetLinks.event(.targetLinkCreated, found, targetPosition: target - 1, by: nil, at: now))
            return "private link for \(name) (shown once; only its hash is stored):\n\(settings.baseURL.absoluteString)/t/\(token)"
        }
        print(message)
    }
}
