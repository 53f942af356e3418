/// The settings described for people, from ``SettingsTable``: the README's table and the help.
extension SettingsTable {
    /// The README's table of settings, between its markers; `undersigned settings --markdown`
    /// prints it, and a test fails when the README's copy differs.
    public static var markdown: String {
        let rows = all.map { setting in
            [
                setting.flag.map { "`--\($0)`" } ?? "—", "`\(setting.variable)`", setting.shownDefault,
                setting.allowed ?? "", setting.meaning,
            ]
            .map { $0.replacingOccurrences(of: "|", with: "\\|") }
            .joined(separator: " | ")
        }
        return
            (["| flag | variable | default | values | meaning |", "|---|---|---|---|---|"] + rows.map { "| \($0) |" })
            .joined(separator: "\n")
    }

    /// Each setting as `--help` lists it: how it is given (`--port <number>`, or the variable
    /// alone for one kept out of the process list), and what it does, allows and defaults to.
    public static var help: [(synopsis: String, text: String)] {
        all.map { setting in
            let synopsis =
                setting.flag.map { flag in "--\(flag)" + (setting.placeholder.map { " <\($0)>" } ?? "") }
                ?? setting.variable
            let details =
                [setting.flag == nil ? "a variable only" : setting.variable]
                + [setting.allowed, "default: \(setting.shownDefault)"].compactMap { $0 }
            return (synopsis, Markdown.plain("\(setting.meaning) (\(details.joined(separator: "; ")))"))
        }
    }
}
