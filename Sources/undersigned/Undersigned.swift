import ArgumentParser
import Foundation
import Undersigned

@main
struct UndersignedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undersigned",
        abstract: "A petition platform that counts honestly and protects its signers.",
        subcommands: [
            Serve.self, Migrate.self, Purge.self, Outbox.self, Keygen.self, RotateKeys.self, Review.self,
            Invalidate.self, VerifyLog.self,
            Export.self, Deliver.self, TargetLink.self, CreateAdmin.self, AssignPetition.self, KeygenOrganization.self,
            DecryptPackage.self, ImportPaper.self, VoidPaper.self, PaperBatchList.self, SettingsCommand.self,
            TranslationsCommand.self,
        ],
        defaultSubcommand: Serve.self)

    static func main() async {
        ProcessTimeZone.defaultToGMT()
        AllocatorSettings.apply()
        await main(nil)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the petitions (migrating and seeding an empty database first).")

    @OptionGroup var settings: SettingsArguments

    func run() async throws {
        let settings = try self.settings.resolve()
        let logger = settings.makeLogger()
        try await buildApplication(settings: settings, logger: logger).runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the database migrations this release brings.")

    @OptionGroup var settings: SettingsArguments

    func run() async throws {
        let settings = try self.settings.resolve()
        let applied = try await runMigrations(settings: settings, logger: settings.makeLogger())
        print("database schema at version \(applied.last ?? 0)")
    }
}

struct Purge: InstanceCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Apply the retention policy now: delete signatures left unconfirmed for 7 days, erase signers' personal data of petitions delivered longer ago than the retention period. `serve` also does this every hour."
    )

    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let result = try await instance.purge.run()
        print("deleted \(result.unconfirmedSignaturesDeleted) unconfirmed signature(s) older than 7 days")
        print("erased the personal data of \(result.signaturesErasedAfterDelivery) signature(s) of delivered petitions")
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a new master key to the key file, as the primary one; then run `undersigned rotate-keys`.",
        discussion: "With --print, write a new key line to standard output instead, for UNDERSIGNED_MASTER_KEYS.")

    @Flag(help: "Print a new key line instead of changing the key file.")
    var print = false
    @OptionGroup var settings: SettingsArguments

    func run() throws {
        if self.print {
            Swift.print(MasterKeys.newKeyLine().line)
            return
        }
        let keyFile = try settings.resolve().keyFile
        let id = try MasterKeys.addPrimaryKey(toFile: keyFile)
        Swift.print("added master key \(id) to \(keyFile) as the primary key")
        Swift.print("run `undersigned rotate-keys` to re-wrap the data keys under it")
    }
}

struct RotateKeys: InstanceCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-keys",
        abstract:
            "Re-wrap every data key under the primary master key and start a new data key. Running servers keep working and pick the change up within a minute."
    )

    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let rotation = try await instance.dataKeys.rotate()
        print(
            "re-wrapped \(rotation.rewrapped) data key(s) under master key \(rotation.primaryMasterKeyID); new data is sealed with data key \(rotation.newDataKeyID)"
        )
        if !rotation.unusedMasterKeyIDs.isEmpty {
            print(
                "no data key needs master key(s) \(rotation.unusedMasterKeyIDs.joined(separator: ", ")) any more: remove them once every server has reloaded (a minute)"
            )
        }
    }
}

struct VerifyLog: InstanceCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-log",
        abstract:
            "Recompute every petition's signature log and check its tree heads, stored state and published count, and every stored counter (in all, per country, per day) against the signature rows. Exits non-zero on any mismatch."
    )

    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let reports = try await instance.logVerifier.verifyAll()
        for report in reports {
            let summary =
                "petition \(report.petitionID.uuidString.lowercased()): \(report.entries) entries, count \(report.count), \(report.treeHeadsChecked) signed tree head(s)"
            print((report.isValid ? "ok       " : "MISMATCH ") + summary)
            for problem in report.problems { print("  - \(problem)") }
        }
        if reports.contains(where: { !$0.isValid }) { throw ExitCode(1) }
    }
}

struct Outbox: InstanceCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "List queued and failed emails with their failed attempts: ids, times and the servers' replies, never addresses or content."
    )

    @Option(help: "Show at most this many messages, oldest first.")
    var limit: Int = 100
    @OptionGroup var settings: SettingsArguments

    func run(on instance: Instance) async throws {
        let status = try await instance.database.outboxStatus()
        let entries = try await instance.database.outboxEntries(limit: max(0, limit))
        print(OutboxReport.text(status: status, entries: entries, now: instance.clock.now))
    }
}
