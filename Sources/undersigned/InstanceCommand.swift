import ArgumentParser
import Undersigned

/// A command that works on the instance its settings describe: the instance is opened before
/// `run(on:)`, its database's services run meanwhile, and it is closed after, whatever happens.
protocol InstanceCommand: AsyncParsableCommand {
    var settings: SettingsArguments { get }
    func run(on instance: Instance) async throws
}

extension InstanceCommand {
    func run() async throws {
        do {
            try await Instance.runOnExisting(settings: settings.resolve()) { instance in
                try await run(on: instance)
            }
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
    }
}

extension Instance {
    /// The petition with this slug; a command names a missing one plainly.
    func petition(slug: String) async throws -> Petition {
        guard let petition = try await database.petition(slug: slug) else {
            throw ValidationError("no petition has the slug \(slug)")
        }
        return petition
    }
}
