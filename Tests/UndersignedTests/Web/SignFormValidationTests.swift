import Foundation
import Testing

@testable import Undersigned

@Suite("The sign form's messages")
struct SignFormValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var form: [(String, String)]
        var messages: [String]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "nothing filled in", form: [],
            messages: ["Please enter your name.", "Please enter your email address", "Please choose your country"]),
        Case(
            label: "blank name", form: [("name", "   "), ("email", "a@example.org"), ("country", "FR")],
            messages: ["Please enter your name."]),
        Case(
            label: "name too long",
            form: [("name", String(repeating: "n", count: 101)), ("email", "a@example.org"), ("country", "FR")],
            messages: ["Please shorten your name"]),
        Case(
            label: "control characters in name",
            form: [("name", "Bad\u{7}Name"), ("email", "a@example.org"), ("country", "FR")],
            messages: ["characters we cannot accept"]),
        Case(
            label: "email without @", form: [("name", "N"), ("email", "not-an-address"), ("country", "FR")],
            messages: ["does not look like an email address"]),
        Case(
            label: "email without domain dot", form: [("name", "N"), ("email", "a@localhost"), ("country", "FR")],
            messages: ["does not look like an email address"]),
        Case(
            label: "unknown country", form: [("name", "N"), ("email", "a@example.org"), ("country", "XX")],
            messages: ["Please choose your country"]),
    ]

    @Test("each mistake gets a clear message, with what was typed kept", arguments: TestDatabase.all, cases)
    func validation(database: TestDatabase, example: Case) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let response = try await browser.post(
                "\(TestInstance.seedPath)/sign", form: [("csrf", page.field("csrf") ?? "")] + example.form)
            #expect(response.status == .unprocessableContent)
            for message in example.messages {
                #expect(response.body.contains(message), "missing message: \(message)")
            }
            // What was typed comes back in the form, escaped.
            for (field, value) in example.form
            where field != "country" && !value.trimmingCharacters(in: .whitespaces).isEmpty && value.count < 100
                && !value.contains("\u{7}")
            {
                #expect(response.body.contains("value=\"\(value)\""), "lost \(field)")
            }
            #expect(response.body.contains("aria-invalid=\"true\""))
            #expect(response.body.contains("Please fix the following and press Sign again"))
            #expect(try await browser.apiCount() == 0)
            #expect(browser.mailbox.messages().isEmpty)
        }
    }

    @Test("what was typed is escaped when shown again", arguments: TestDatabase.all)
    func escaping(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let hostile = "\"><script>alert(1)</script>"
            let response = try await browser.post(
                "\(TestInstance.seedPath)/sign",
                form: [("csrf", page.field("csrf") ?? ""), ("name", hostile), ("email", hostile), ("country", "FR")])
            #expect(response.status == .unprocessableContent)
            #expect(!response.body.contains("<script>alert(1)</script>"))
            #expect(response.body.contains("&lt;script&gt;"))
            // The chosen country stays selected.
            #expect(response.body.contains("<option value=\"FR\" selected>"))
        }
    }
}
