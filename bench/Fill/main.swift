import Foundation
import Undersigned

/// Fills a petition with synthetic confirmed signatures for benchmarks, through the write
/// path's batch form, so that the counters, the log and its tree move exactly as they do for
/// real signatures. Names and addresses are made up (`Signer 17`, `signer-17@example.org`) and
/// sealed like any others; confirmation times are spread over the last DAYS days.
///
///     undersigned-fill --petition SLUG --signatures N [--days 60] [settings: --database URL …]
///
/// It is a separate program, not a command of `undersigned`, so that a production server
/// carries nothing that counts signatures nobody made.
@main
struct Fill {
    static func main() async {
        do {
            try await run(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("undersigned-fill: \(error)\n".utf8))
            exit(1)
        }
    }

    struct Usage: Error, CustomStringConvertible {
        var description: String
    }

    static func run(arguments: [String]) async throws {
        var slug: String?
        var total = 0
        var days = 60
        var settingsWords: [String] = []
        var words = arguments.makeIterator()
        while let word = words.next() {
            switch word {
            case "--petition": slug = words.next()
            case "--signatures": total = words.next().flatMap(Int.init) ?? -1
            case "--days": days = words.next().flatMap(Int.init) ?? -1
            default: settingsWords.append(word)
            }
        }
        guard let slug, (1...100_000_000).contains(total), (1...3_650).contains(days) else {
            throw Usage(
                description:
                    "usage: undersigned-fill --petition SLUG --signatures N(1–100,000,000) [--days D(1–3,650)] [settings]"
            )
        }
        let settings = try Settings.resolve(arguments: settingsWords, environment: ProcessInfo.processInfo.environment)
        try await Instance.run(settings: settings) { instance in
            guard let petition = try await instance.database.petition(slug: slug) else {
                throw Usage(description: "no petition \(slug)")
            }
            try await instance.loadDataKeys()
            let writer = SignatureWriter(
                store: instance.database, petitions: { try await instance.database.petition(id: $0) },
                mailer: try instance.signerMail, receipts: try instance.receipts,
                counts: SignatureCounts(store: instance.database), logger: instance.logger, clock: instance.clock)
            let maker = SignatureMaker(
                petitionID: petition.id, sealer: try instance.sealer,
                fingerprinter: EmailFingerprinter(key: try instance.secret.key(for: .emailFingerprint)),
                now: instance.clock.now, days: days, total: total)
            try await fill(total, with: writer, maker: maker)
        }
    }

    /// Seals the next batch while the previous one commits: sealing and the database each
    /// keep a core busy.
    static func fill(_ total: Int, with writer: SignatureWriter, maker: SignatureMaker) async throws {
        let batchSize = 4_000
        let started = ContinuousClock.now
        var stored = 0
        var next = 0
        var pending: Task<[NewSignature], any Error>? = Task { try maker.batch(from: 0, count: min(batchSize, total)) }
        next = min(batchSize, total)
        var reported = 0
        while let current = pending {
            let batch = try await current.value
            if next < total {
                let (start, count) = (next, min(batchSize, total - next))
                pending = Task { try maker.batch(from: start, count: count) }
                next += count
            } else {
                pending = nil
            }
            stored += try await writer.record(batch).count
            if stored * 20 / total > reported || pending == nil {
                reported = stored * 20 / total
                let seconds = (ContinuousClock.now - started) / .seconds(1)
                print(
                    "\(stored) of \(total) signatures stored in \(Int(seconds)) s (\(Int(Double(stored) / max(seconds, 0.001)))/s)"
                )
            }
        }
    }
}

/// Makes the synthetic signatures, the same ones for the same numbers, so that a second run
/// skips those already stored.
struct SignatureMaker: Sendable {
    let petitionID: UUID
    let sealer: PersonalDataSealer
    let fingerprinter: EmailFingerprinter
    let now: Date
    let days: Int
    let total: Int

    /// Weighted like a petition shared from one country: most from a few, a long tail.
    static let countries: [String] =
        [("SY", 30), ("DE", 12), ("FR", 10), ("GB", 8), ("US", 8), ("TR", 6)].flatMap {
            Array(repeating: $0.0, count: $0.1)
        } + ["LB", "JO", "SE", "NL", "CA", "IT", "ES", "BE", "CH", "AT", "DK", "NO", "IQ", "EG", "MA", "TN"]
    static let sources: [SignatureSource] = [.web, .web, .web, .web, .web, .web, .embed, .embed, .api]

    func batch(from start: Int, count: Int) throws -> [NewSignature] {
        try (start..<(start + count)).map(signature(number:))
    }

    func signature(number: Int) throws -> NewSignature {
        let address = "signer-\(number)@example.org"
        guard let email = EmailAddress(address) else { throw Fill.Usage(description: "bad address \(address)") }
        // Spread over the days, later numbers later, as a petition grows.
        let secondsAgo = Double(days) * 86_400 * (1 - Double(number + 1) / Double(total))
        let confirmedAt = now.addingTimeInterval(-secondsAgo)
        let createdAt = confirmedAt.addingTimeInterval(-120)
        let id = UUID.timeOrdered(at: createdAt)
        return NewSignature(
            id: id, petitionID: petitionID, emailFingerprint: fingerprinter.fingerprint(email),
            country: Self.countries[number % Self.countries.count], showNamePublicly: number % 2 == 0,
            wantsUpdates: number % 3 == 0, source: Self.sources[number % Self.sources.count],
            sealedPersonalData: try sealer.seal(
                PersonalData(name: "Signer \(number)", email: address), in: .signature(id)),
            createdAt: createdAt, confirmedAt: confirmedAt)
    }
}
