import Foundation
import Hummingbird
import Mustache
import Synchronization

/// The HTML templates (`Resources/templates`) and the static files (`Resources/static`: the
/// stylesheet, the sign form's script and its proof-of-work worker, the receipt checker, the
/// live count),
/// loaded once.
public struct Pages: Sendable {
    let library: MustacheLibrary
    /// Static files by path.
    let assets: [String: StaticAsset]
    let stylesheetPath: String
    let signScriptPath: String
    let proofOfWorkWorkerPath: String
    let receiptScriptPath: String
    let liveScriptPath: String
    private let errorPages = RenderedErrorPages()

    public static func load() async throws -> Pages {
        let library = try await loadTemplates(from: BundledResources.url("templates").path)
        try Country.checkBundledList()
        try CountryNames.checkBundledTable()
        _ = try Translations.load()
        let stylesheet = try StaticAsset(file: "app", extension: "css", contentType: "text/css; charset=utf-8")
        let signScript = try StaticAsset(file: "sign", extension: "js", contentType: "text/javascript; charset=utf-8")
        let worker = try StaticAsset(
            file: "proof-of-work-worker", extension: "js", contentType: "text/javascript; charset=utf-8")
        let receiptScript = try StaticAsset(
            file: "receipt", extension: "js", contentType: "text/javascript; charset=utf-8")
        let liveScript = try StaticAsset(file: "live", extension: "js", contentType: "text/javascript; charset=utf-8")
        return Pages(
            library: library,
            assets: Dictionary(
                uniqueKeysWithValues: [stylesheet, signScript, worker, receiptScript, liveScript].map { ($0.path, $0) }),
            stylesheetPath: stylesheet.path, signScriptPath: signScript.path, proofOfWorkWorkerPath: worker.path,
            receiptScriptPath: receiptScript.path, liveScriptPath: liveScript.path)
    }

    /// Parses every template in `directory` and checks that each page has one: a missing or
    /// broken template stops startup with its name, never a request.
    static func loadTemplates(from directory: String) async throws -> MustacheLibrary {
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: directory)
        } catch {
            throw PagesError(description: "a template in \(directory) does not parse: \(error)")
        }
        let missing = PageTemplate.allCases.filter { library.getTemplate(named: $0.rawValue) == nil }
        guard missing.isEmpty else {
            throw PagesError(
                description:
                    "missing templates in \(directory): \(missing.map { "\($0.rawValue).mustache" }.joined(separator: ", "))"
            )
        }
        return library
    }

    func render(_ template: PageTemplate, _ view: Any, language: InterfaceLanguage) -> String {
        // Every template was found at startup, so this is unreachable; an empty page is still
        // better than stopping every connection.
        library.render(PageRendering(view, language: language), withTemplate: template.rawValue) ?? ""
    }

    func response(
        _ template: PageTemplate, _ view: Any, language: InterfaceLanguage, status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        htmlResponse(ByteBuffer(string: render(template, view, language: language)), status: status, headers: headers)
    }

    func htmlResponse(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// Error pages hold nothing about the request, so each is rendered once: a flood that
    /// is refused (429) or lost (404) costs a copy, not a template.
    /// A page with a way back (see ``ErrorResponses/back(from:for:in:)``) names a path of the
    /// request's, so it is rendered each time rather than kept.
    func errorPage(_ problem: AppError, language: InterfaceLanguage, back: ErrorView.Back? = nil) -> Response {
        let words = problem.words(in: Translations.bundled[language])
        let render = {
            self.render(
                .error,
                ErrorView(
                    page: Layout(title: words.title, stylesheet: self.stylesheetPath, language: language),
                    statusLine: Translations.bundled[language].text(
                        "error.status", ["status": String(problem.status.code)]),
                    heading: words.title, detail: words.detail, back: back),
                language: language)
        }
        let body =
            back == nil
            ? errorPages.page(for: problem, language: language, render: render) : ByteBuffer(string: render())
        return htmlResponse(body, status: problem.status)
    }
}

/// Rendered error pages by their status and words; a few dozen at most in practice, and
/// forgotten all at once should that ever grow.
private final class RenderedErrorPages: Sendable {
    private struct Key: Hashable {
        var status: Int
        var title: String
        var detail: String
        var language: InterfaceLanguage
    }

    private let pages = Mutex<[Key: ByteBuffer]>([:])

    func page(for problem: AppError, language: InterfaceLanguage, render: () -> String) -> ByteBuffer {
        let key = Key(status: problem.status.code, title: problem.title, detail: problem.detail, language: language)
        if let page = pages.withLock({ $0[key] }) { return page }
        let page = ByteBuffer(string: render())
        pages.withLock { pages in
            if pages.count >= 256 { pages.removeAll() }
            pages[key] = page
        }
        return page
    }
}

struct PagesError: Error, CustomStringConvertible {
    var description: String
}

/// A file of `Resources/static`, at a path that changes whenever its content does, so that
/// browsers may cache it for good.
struct StaticAsset: Sendable {
    let path: String
    let contentType: String
    let body: ByteBuffer

    init(file: String, extension: String, contentType: String) throws {
        let bytes = try Data(contentsOf: BundledResources.url("static/\(file).\(`extension`)"))
        let version = bytes.reduce(into: UInt32(2_166_136_261)) { hash, byte in
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        path = SiteRoute.staticFile(name: "\(file).\(String(version, radix: 16)).\(`extension`)").path
        self.contentType = contentType
        body = ByteBuffer(bytes: bytes)
    }
}

/// What every page's frame needs.
struct Layout {
    var title: String
    var stylesheet: String
    /// The interface's language.
    var lang: String
    var dir: String
    var description = ""
    /// The signed-in account's name, shown in the header on organizer pages.
    var accountName: String?
    var homePath = SiteRoute.home.path
    var accountPath = AccountRoute.account.path
    /// The switcher: every language of the interface, this one marked.
    var languages: [InterfaceLanguageLink]

    init(title: String, stylesheet: String, language: InterfaceLanguage, accountName: String? = nil) {
        self.title = title
        self.stylesheet = stylesheet
        lang = language.code
        dir = language.direction
        self.accountName = accountName
        languages = InterfaceLanguage.allCases.map {
            InterfaceLanguageLink(code: $0.code, name: $0.nativeName, dir: $0.direction, current: $0 == language)
        }
    }
}

struct InterfaceLanguageLink {
    var code: String
    var name: String
    var dir: String
    var current: Bool
}

struct ErrorView {
    var page: Layout
    var statusLine: String
    var heading: String
    var detail: String
    var back: Back? = nil

    struct Back {
        var path: String
        var label: String
    }
}

enum Numbers {
    /// 12345 → "12,345".
    static func grouped(_ value: Int) -> String {
        InterfaceLanguage.en.number(value)
    }
}

/// Right-to-left scripts get `dir="rtl"`.
enum TextDirection {
    static func of(language: String) -> String {
        let primary = language.split(separator: "-").first.map(String.init)?.lowercased() ?? ""
        return ["ar", "he", "fa", "ur", "ps", "yi", "ckb", "dv", "sd", "ug"].contains(primary) ? "rtl" : "ltr"
    }
}
