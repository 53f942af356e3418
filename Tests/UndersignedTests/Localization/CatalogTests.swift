import Foundation
import Testing

@testable import Undersigned

@Suite("The translation catalogs")
struct CatalogTests {
    @Test("every key used is in every language, nothing unused, placeholders and plural forms right")
    func complete() throws {
        let report = try CatalogCheck.run()
        #expect(report.lines == [])
        #expect(report.isClean)
    }

    @Test("template keys are read from every kind of tag")
    func templateKeys() {
        let keys = CatalogCheck.templateKeys(
            in: "<p>{{t.a.b}}</p>{{{t.c_d}}}{{#t.e}}x{{/t.e}}{{page.title}}{{ t.f }}")
        #expect(keys == ["a.b", "c_d", "e", "f"])
    }

    @Test("a translator's mistakes are named: missing, unused, wrong placeholders, missing plural forms")
    func problems() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = [
            "en": #"{"a": "Hello {name}", "n": {"one": "{count} thing", "other": "{count} things"}}"#,
            "fr": #"{"a": "Bonjour {nom}", "n": {"one": "{count} chose", "other": "{count} choses"}, "old": "x"}"#,
            "ar": #"{"n": {"one": "{count}", "other": "{count}"}}"#,
        ]
        for (code, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent("\(code).json")) }
        let problems = try Translations.load(from: directory).problems(usedKeys: ["a", "n"])
        #expect(problems[.en]?.isEmpty == true)
        #expect(problems[.fr]?.unused == ["old"])
        #expect(problems[.fr]?.wrong.contains { $0.hasPrefix("a: placeholders") } == true)
        #expect(problems[.fr]?.wrong.contains { $0.hasPrefix("n: no form for many") } == true)
        #expect(problems[.ar]?.missing == ["a"])
        #expect(problems[.ar]?.wrong.contains { $0.hasPrefix("n: no form for zero, two, few, many") } == true)
        // A missing key reads in English.
        #expect(try Translations.load(from: directory)[.ar].text("a", ["name": "Amal"]) == "Hello Amal")
    }

    @Test("placeholders are filled among any letters; an unknown one or an unclosed brace stays as written")
    func filling() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let phrases = #"{"a": "مرحبا {name}، {who} é{name}", "b": "{name} {open", "c": "no braces"}"#
        for code in ["en", "fr", "ar"] {
            try Data(phrases.utf8).write(to: directory.appendingPathComponent("\(code).json"))
        }
        let arabic = try Translations.load(from: directory)[.ar]
        #expect(arabic.text("a", ["name": "سارة"]) == "مرحبا سارة، {who} éسارة")
        #expect(arabic.text("b", ["name": "👩🏽‍⚕️"]) == "👩🏽‍⚕️ {open")
        #expect(arabic.text("c", ["name": "x"]) == "no braces")
        #expect(arabic.text("a") == "مرحبا {name}، {who} é{name}")
    }

    @Test("a counted phrase without its other form stops the loading")
    func malformed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for code in ["en", "fr", "ar"] {
            try Data(#"{"n": {"one": "{count} thing"}}"#.utf8).write(
                to: directory.appendingPathComponent("\(code).json"))
        }
        #expect(throws: TranslationsError.self) { try Translations.load(from: directory) }
    }
}
