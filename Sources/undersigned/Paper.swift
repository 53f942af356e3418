import ArgumentParser
import Foundation
import Undersigned

struct ImportPaper: InstanceCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-paper",
        abstract:
            "Count a batch of signatures gathered on paper, from a CSV file (columns name, country, and optionally email and show_name). One bad line refuses the whole file.",
        discussion: """
            The file is read whole first: every bad line is reported with its number and nothing is \
            stored. Signers whose email signed the petition already, online or on paper, are left out. \
            Names and emails are sealed like online signers'; paper signers get no email.
            """)

    @Option(help: "The petition's slug.")
    var petition: String
    @Option(help: "Who gathered the signatures, as they agreed to be named to the organizers.")
    var collectedBy: String
    @Option(help: "Where they were gathered, e.g. a town or an event.")
    var place: String
    @Option(help: "The day they were gathered (YYYY-MM-DD).")
    var collectedOn: String
    @Argument(help: "The CSV file, UTF-8, with a header row.")
    var file: String
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        try await instance.loadDataKeys()
        let found = try await instance.petition(slug: petition)
        do {
            let batch = try await instance.paperBatches.importFile(
                bytes, into: found,
                provenance: PaperProvenance(collectedBy: collectedBy, place: place, collectedOn: collectedOn))
            print(
                "imported paper batch \(batch.id.uuidString.lowercased()): \(batch.counted) of \(batch.signerRows) signer(s) counted"
                    + (batch.counted < batch.signerRows
                        ? "; \(batch.signerRows - batch.counted) had signed already and were left out" : ""))
        } catch let problems as PaperSheet.Problems {
            throw ValidationError("\(file) was not imported; nothing of it is stored:\n\(problems)")
        } catch let error as PaperBatchError {
            throw ValidationError(error.description)
        }
    }
}

struct VoidPaper: InstanceCommand {
    static let configuration = CommandConfiguration(
        commandName: "void-paper",
        abstract: "Void a paper batch: its signatures leave the count at once; the batch stays listed with the reason.")

    @Option(help: "The batch's id, as import-paper and paper-batches print it.")
    var batch: String
    @Option(help: "Why, in words: recorded with the batch and in the audit log.")
    var reason: String
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        guard let id = UUID(uuidString: batch) else { throw ValidationError("--batch is a batch id, a UUID") }
        do {
            let (voided, uncounted) = try await instance.paperBatches.void(id, reason: reason)
            print("voided paper batch \(voided.id.uuidString.lowercased()): \(uncounted) signature(s) left the count")
        } catch let error as PaperBatchError {
            throw ValidationError(error.description)
        }
    }
}

struct PaperBatchList: InstanceCommand {
    static let configuration = CommandConfiguration(
        commandName: "paper-batches", abstract: "List a petition's paper batches, with their provenance.")

    @Option(help: "The petition's slug.")
    var petition: String
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let found = try await instance.petition(slug: petition)
        let batches = try await instance.database.paperBatches(petitionID: found.id)
        print(
            "\(batches.count) paper batch(es); \(try await instance.database.paperSignatureCount(petitionID: found.id)) signature(s) from paper count now"
        )
        let formatter = ISO8601DateFormatter()
        for batch in batches {
            var line =
                "\(batch.id.uuidString.lowercased())  gathered \(batch.collectedOn) in \(batch.place) by \(batch.collectedBy); "
                + "\(batch.counted) of \(batch.signerRows) counted; imported \(formatter.string(from: batch.importedAt))"
            if let voidedAt = batch.voidedAt {
                line += "; VOID since \(formatter.string(from: voidedAt)): \(batch.voidReason ?? "")"
            }
            print(line)
        }
    }
}
