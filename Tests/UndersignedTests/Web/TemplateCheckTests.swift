import Foundation
import Testing

@testable import Undersigned

/// A missing or broken template stops startup with its name; no request ever meets it.
@Suite("Templates checked at startup")
struct TemplateCheckTests {
    private func copyOfTemplates() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: BundledResources.url("templates"), to: directory)
        return directory
    }

    @Test("every page has its template")
    func allPresent() async throws {
        let directory = try copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = try await Pages.loadTemplates(from: directory.path)
        for template in PageTemplate.allCases {
            #expect(library.getTemplate(named: template.rawValue) != nil, "\(template)")
        }
    }

    @Test("no template spells an address of the site: links and forms get theirs from the route table")
    func noAddresses() throws {
        let directory = BundledResources.url("templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let spelled = text.matches(of: /(?:href|action|src)="(\/[^"]*)"/).map { String($0.output.1) }
            #expect(spelled.isEmpty, "\(file): \(spelled)")
            for prefix in Set(RouteTable.all.compactMap({ $0.pattern.split(separator: "/").first })) {
                #expect(!text.contains("/\(prefix)/"), "\(file) spells /\(prefix)/")
            }
        }
    }

    @Test("every form of the templates posts to a route of the table it names, or to the emailed link it is on")
    func formsNameTheirRoutes() {
        let posting = Set(RouteTable.all.filter { $0.method == .post }.map(\.pattern))
        let posted = Set(HostileInput.routeNames.filter { posting.contains($0.key) }.values.joined())
        for form in HostileInput.templateForms where form.route != "action" {
            #expect(posted.contains(form.route), "a form posts to \(form.route), no route of the table")
        }
    }

    @Test("a missing template is named in the error that stops startup")
    func missing() async throws {
        let directory = try copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("confirm.mustache"))
        await #expect {
            try await Pages.loadTemplates(from: directory.path)
        } throws: { error in
            "\(error)".contains("confirm.mustache")
        }
    }

    @Test("a template that does not parse stops startup")
    func broken() async throws {
        let directory = try copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "{{#petition}}unclosed".write(
            to: directory.appendingPathComponent("receipt.mustache"), atomically: true, encoding: .utf8)
        await #expect(throws: PagesError.self) { try await Pages.loadTemplates(from: directory.path) }
    }
}
