import ArgumentParser
import Foundation
import Undersigned

/// The instance's settings as given on the command line. No setting is declared here, so none
/// is declared twice: the library's `SettingsTable` declares each once. Argument parser hands
/// over every word the command does not declare itself; the table reads them (a flag beats its
/// `UNDERSIGNED_*` variable, which beats the default) and describes every setting for `--help`,
/// which lists them under `<setting>`.
struct SettingsArguments: ParsableArguments {
    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "The instance's settings: each flag falls back on its variable, then on its default.",
            valueName: "setting", argumentType: SettingWord.self),
        completion: .list(
            SettingsTable.help.map { String($0.synopsis.prefix { $0 != " " }) }.filter { $0.hasPrefix("--") }))
    var words: [SettingWord] = []

    /// Refuses bad settings while parsing, so that the message comes with the command's usage.
    func validate() throws {
        _ = try resolve()
    }

    func resolve() throws -> Settings {
        do {
            return try Settings.resolve(
                arguments: words.map(\.text), environment: ProcessInfo.processInfo.environment)
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
    }
}

/// One word of the settings (`--port`, `9000`), kept as given. As a type it lists every
/// setting, which is how `--help` shows them under `<setting>`.
struct SettingWord: ExpressibleByArgument {
    let text: String

    init(argument: String) {
        text = argument
    }

    static var allValueStrings: [String] {
        SettingsTable.help.map(\.synopsis)
    }

    static var allValueDescriptions: [String: String] {
        Dictionary(SettingsTable.help.map { ($0.synopsis, $0.text) }, uniquingKeysWith: { first, _ in first })
    }
}

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "List every setting: its flag, its variable, its default, the values it takes and what it does.",
        discussion: "With --markdown, print the table of settings that README.md holds between its markers.")

    @Flag(help: "Print the README's Markdown table.")
    var markdown = false

    func run() {
        if markdown {
            print(SettingsTable.markdown)
            return
        }
        for setting in SettingsTable.help {
            print("\(setting.synopsis)\n    \(setting.text)")
        }
    }
}

struct TranslationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translations",
        abstract:
            "Check the interface's translations (Resources/locales/*.json): keys a language lacks, keys nothing uses, and texts whose placeholders or plural forms are wrong. Exits non-zero on any."
    )

    func run() throws {
        let report = try CatalogCheck.run()
        for line in report.lines { print(line) }
        guard report.isClean else { throw ExitCode.failure }
        print("every catalog is complete: \(InterfaceLanguage.allCases.map(\.code).joined(separator: ", "))")
    }
}
