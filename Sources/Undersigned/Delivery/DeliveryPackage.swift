import Crypto
import Foundation
import Mustache
import NIOPosix
import ZIPFoundation

/// The package a petition is delivered with: a printable letter, the names of the signers
/// who asked to be named, per-country counts with small numbers withheld, and a manifest of
/// every file's SHA-256 with the signed tree head of the count. Signers are read page by
/// page and written straight to disk, so a petition of millions takes constant memory.
public struct DeliveryPackage: Sendable {
    public let petition: Petition
    public let treeHead: SignedTreeHead
    public let logKey: LogSigningKey.Public
    public let countries: SmallCounts.Figures
    public let threshold: Int
    public let petitionURL: String
    let signatures: any SignatureExportStore
    let sealer: PersonalDataSealer

    public init(
        petition: Petition, treeHead: SignedTreeHead, logKey: LogSigningKey.Public, countries: SmallCounts.Figures,
        threshold: Int,
        petitionURL: String, signatures: any SignatureExportStore, sealer: PersonalDataSealer
    ) {
        self.petition = petition
        self.treeHead = treeHead
        self.logKey = logKey
        self.countries = countries
        self.threshold = threshold
        self.petitionURL = petitionURL
        self.signatures = signatures
        self.sealer = sealer
    }

    public struct FileDigest: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int
        public var sha256: String
    }

    /// Writes the ZIP to `destination` (which must not exist); returns the files' digests.
    public func write(to destination: URL, now: Date) async throws -> [FileDigest] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "undersigned-package-\(UUID.random().uuidString)")
        try FileManager.default.createDirectory(
            at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: work) }

        var digests: [FileDigest] = []
        digests.append(try write("letter.html", in: work) { try $0.write(Array(try letter(now: now).utf8)) })
        digests.append(
            try write("countries.csv", in: work) { file in
                try file.write(CSV.row(["country", "name", "signatures"]))
                for tally in countries.countries {
                    try file.write(
                        CSV.row([
                            tally.country, Country.named(code: tally.country)?.name ?? tally.country,
                            String(tally.signatures),
                        ]))
                }
                if let others = countries.others {
                    let figure =
                        switch others {
                        case .withheld: "fewer than \(threshold)"
                        case .total(let total): String(total)
                        }
                    try file.write(CSV.row(["", "Other countries (each fewer than \(threshold))", figure]))
                }
            })
        digests.append(try await writeNames(in: work))
        let manifest = Manifest(
            petition: .init(id: petition.id.text, slug: petition.slug, title: petition.title, url: petitionURL),
            generatedAt: now.millis, treeHead: PublishedTreeHead(treeHead), logKey: .init(logKey), files: digests)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let manifestDigest = try write("manifest.json", in: work) { try $0.write(Array(try encoder.encode(manifest))) }

        let files = digests + [manifestDigest]
        // Compressing a petition of millions takes seconds in one call: on a thread of the
        // pool, not on one that serves requests.
        try await NIOThreadPool.singleton.runIfActive {
            let archive = try Archive(url: destination, accessMode: .create)
            for file in files {
                try archive.addEntry(
                    with: file.name, fileURL: work.appendingPathComponent(file.name), compressionMethod: .deflate)
            }
        }
        return files
    }

    /// What `manifest.json` holds.
    public struct Manifest: Codable, Sendable {
        public struct PetitionReference: Codable, Sendable {
            public var id, slug, title, url: String
        }

        public struct Key: Codable, Sendable {
            public var algorithm = "Ed25519"
            public var keyID: String
            public var publicKey: String

            init(_ key: LogSigningKey.Public) {
                keyID = key.id
                publicKey = key.key.rawRepresentation.base64EncodedString()
            }
        }

        public var petition: PetitionReference
        public var generatedAt: Int64
        public var treeHead: PublishedTreeHead
        public var logKey: Key
        public var files: [FileDigest]
    }

    // MARK: Helpers

    /// Names only of the confirmed signers who asked for their name to be shown, on the
    /// export's keyset walk: each page costs the same however deep it starts, and sealed
    /// details are read only where a consent calls for them.
    private func writeNames(in work: URL) async throws -> FileDigest {
        let url = work.appendingPathComponent("signatures.csv")
        let file = try HashingFile(url)
        defer { file.close() }
        try file.write(CSV.row(["name", "country"]))
        var cursor: SignatureCursor?
        repeat {
            let page = try await signatures.confirmedSignatures(petitionID: petition.id, after: cursor, limit: 5000)
            for signature in page where signature.showName {
                guard let sealed = signature.sealedPersonalData else { continue }
                try file.write(
                    CSV.row([
                        try sealer.open(PersonalData.self, from: sealed, in: .signature(signature.id)).name,
                        signature.country,
                    ]))
            }
            cursor = page.last.map { SignatureCursor(createdAt: $0.createdAt, id: $0.id) }
        } while cursor != nil
        return file.digest(name: "signatures.csv")
    }

    private func write(_ name: String, in work: URL, _ body: (HashingFile) throws -> Void) throws -> FileDigest {
        let file = try HashingFile(work.appendingPathComponent(name))
        defer { file.close() }
        try body(file)
        return file.digest(name: name)
    }

    private func letter(now: Date) throws -> String {
        let template = try MustacheTemplate(
            string: String(contentsOf: BundledResources.url("delivery/letter.mustache"), encoding: .utf8))
        return template.render(
            LetterView(
                lang: petition.language, dir: TextDirection.of(language: petition.language),
                // As British English writes it (5 December 2026), without loading ICU's calendar data.
                date: InterfaceLanguage.en.date(now),
                title: petition.title, summary: petition.summary,
                bodyHTML: MarkdownRenderer.html(from: petition.bodyMarkdown),
                organizer: petition.organizer,
                targets: petition.targets.map {
                    .init(
                        name: $0.name, role: $0.role.isEmpty ? nil : $0.role,
                        organization: $0.organization.isEmpty ? nil : $0.organization)
                },
                count: Numbers.grouped(treeHead.count), threshold: threshold,
                countries: countries.lines(threshold: threshold).map { .init(name: $0.name, figure: $0.figure) },
                treeHead: .init(
                    size: treeHead.size, count: Numbers.grouped(treeHead.count), root: treeHead.root.hex,
                    signedAt: treeHead.timestamp.formatted(.iso8601), keyID: treeHead.keyID),
                publicKey: logKey.key.rawRepresentation.base64EncodedString(),
                signature: Data(treeHead.signature).base64EncodedString(),
                petitionURL: petitionURL))
    }

    private struct LetterView {
        struct TargetLine {
            var name: String
            var role: String?
            var organization: String?
        }

        struct CountryLine {
            var name: String
            var figure: String
        }

        struct Head {
            var size: UInt64
            var count: String
            var root: String
            var signedAt: String
            var keyID: String
        }

        var lang, dir, date, title, summary, bodyHTML, organizer: String
        var targets: [TargetLine]
        var count: String
        var threshold: Int
        var countries: [CountryLine]
        var treeHead: Head
        var publicKey, signature, petitionURL: String
    }
}

/// A file written once, front to back, whose SHA-256 is computed as it is written.
private final class HashingFile {
    private let handle: FileHandle
    private var hasher = SHA256()
    private var count = 0

    init(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown)
        }
        handle = try FileHandle(forWritingTo: url)
    }

    func write(_ bytes: [UInt8]) throws {
        hasher.update(data: bytes)
        count += bytes.count
        try handle.write(contentsOf: bytes)
    }

    func digest(name: String) -> DeliveryPackage.FileDigest {
        DeliveryPackage.FileDigest(name: name, bytes: count, sha256: hasher.finalize().hex)
    }

    func close() {
        try? handle.close()
    }
}

/// RFC 4180 rows. A cell that a spreadsheet would read as a formula is prefixed with `'`.
enum CSV {
    static func row(_ cells: [String]) -> [UInt8] {
        Array((cells.map(cell).joined(separator: ",") + "\r\n").utf8)
    }

    private static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
