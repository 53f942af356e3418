import ArgumentParser
import Foundation
import Undersigned

struct Export: InstanceCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write a petition's delivery package: a ZIP with the letter, consenting signers' names, per-country counts and a manifest with the signed tree head.",
        discussion:
            "When the petition's organization has a public key, the ZIP is encrypted to it and written to OUTPUT.hpke: open it with `undersigned decrypt-package`. Each export is in the audit log."
    )

    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "Where to write the ZIP (must not exist, nor OUTPUT.hpke).")
    var output: String
    @OptionGroup var settings: SettingsArguments

    private var plainDestination: URL { URL(fileURLWithPath: output) }
    private var encryptedDestination: URL { URL(fileURLWithPath: "\(output).\(EncryptedPackage.fileExtension)") }

    func validate() throws {
        for destination in [plainDestination, encryptedDestination]
        where FileManager.default.fileExists(atPath: destination.path) {
            throw ValidationError("\(destination.path) exists already")
        }
    }

    func run(on instance: Instance) async throws {
        try await instance.loadDataKeys()
        let found = try await instance.petition(slug: petition)
        let zip = try PackageScratch.newFile()
        defer { PackageScratch.remove(zip) }
        let export = try await instance.packageExports.export(found, by: nil, zipTo: zip)
        if let key = export.key {
            try await EncryptedPackage.encrypt(file: zip, to: key, writingTo: encryptedDestination)
            print(
                "wrote \(encryptedDestination.path), encrypted to the organization's public key (fingerprint \(key.fingerprint)), holding:"
            )
        } else {
            try FileManager.default.moveItem(at: zip, to: plainDestination)
            print("wrote \(output):")
        }
        for file in export.files { print("  \(file.name)  \(file.bytes) bytes  sha256 \(file.sha256)") }
    }
}

struct Deliver: InstanceCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Record that a petition was delivered to one of its targets; once every target has a delivery, the petition is delivered."
    )

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
    @OptionGroup var settings: SettingsArguments

    func validate() throws {
        guard target >= 1 else { throw ValidationError("--target counts from 1") }
        _ = try deliveryChannel()
        _ = try deliveredAt(now: .distantPast)
    }

    func run(on instance: Instance) async throws {
        let evidence = try evidence.map { path in
            try DeliveryRecord.Evidence(fileName: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        try await instance.loadDataKeys()
        let found = try await instance.petition(slug: petition)
        let (record, delivered) = try await instance.deliveries.record(
            found, targetPosition: target - 1, deliveredAt: try deliveredAt(now: instance.clock.now),
            channel: try deliveryChannel(),
            deliveredBy: by, notes: notes, evidence: evidence)
        print(
            "recorded delivery \(record.id.uuidString.lowercased()): \(record.treeHead.count) signature(s), tree head of size \(record.treeHead.size)"
        )
        if delivered { print("every target has a delivery: the petition is now delivered") }
    }

    private func deliveryChannel() throws -> DeliveryChannel {
        guard let channel = DeliveryChannel(rawValue: channel) else {
            throw ValidationError(
                "--channel is one of \(DeliveryChannel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return channel
    }

    private func deliveredAt(now: Date) throws -> Date {
        guard let date else { return now }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        guard let parsed = formatter.date(from: date) else { throw ValidationError("--date is YYYY-MM-DD") }
        return parsed
    }
}

struct TargetLink: InstanceCommand {
    static let configuration = CommandConfiguration(
        commandName: "target-link",
        abstract:
            "Make a private link for one of a petition's targets, to read the delivery and respond in public; or revoke its links."
    )

    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "The target's position on the petition, from 1.")
    var target: Int
    @Flag(help: "Revoke every link of this target instead.")
    var revoke = false
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let found = try await instance.petition(slug: petition)
        guard target >= 1, found.targets.indices.contains(target - 1) else {
            throw ValidationError("the petition has \(found.targets.count) target(s)")
        }
        let name = found.targets[target - 1].name
        let now = instance.clock.now
        if revoke {
            let revoked = try await instance.database.revokeTargetLinks(
                petitionID: found.id, targetPosition: target - 1, at: now,
                audit: TargetLinks.event(.targetLinksRevoked, found, targetPosition: target - 1, by: nil, at: now))
            print("revoked \(revoked) link(s) of \(name)")
            return
        }
        let (token, hash) = TargetLinks.newToken()
        try await instance.database.insertTargetLink(
            petitionID: found.id, targetPosition: target - 1, tokenHash: hash, at: now,
            audit: TargetLinks.event(.targetLinkCreated, found, targetPosition: target - 1, by: nil, at: now))
        print(
            "private link for \(name) (shown once; only its hash is stored):\n\(TargetRoute.page(token: token).url(on: instance.settings.baseURL))"
        )
    }
}
