import Foundation
import Hummingbird
import Mustache
import Synchronization

/// The HTML templates (`Resources/templates`) and the static files (`Resources/static`: the
/// stylesheet, the sign form's script and its proof-of-work worker, the receipt checker),
/// loaded once.
public struct Pages: Sendable {
    let library: MustacheLibrary
    /// Static files by path.
    let assets: [String: StaticAsset]
    let stylesheetPath: String
    let signScriptPath: String
    let proofOfWorkWorkerPath: String
    let receiptScriptPath: String
    private let errorPages = RenderedErrorPages()

    public static func load() async throws -> Pages {
        let library = try await MustacheLibrary(directory: BundledResources.url("templates").path)
        let stylesheet = try StaticAsset(file: "app", extension: "css", contentType: "text/css; charset=utf-8")
        let signScript = try StaticAsset(file: "sign", extension: "js", contentType: "text/javascript; charset=utf-8")
        let worker = try StaticAsset(file: "proof-of-work-worker", extension: "js", contentType: "text/javascript; charset=utf-8")
        let receiptScript = try StaticAsset(file: "receipt", extension: "js", contentType: "text/javascript; charset=utf-8")
        return Pages(
            library: library, assets: Dictionary(uniqueKeysWithValues: [stylesheet, signScript, worker, receiptScript].map { ($0.path, $0) }),
            stylesheetPath: stylesheet.path, signScriptPath: signScript.path, proofOfWorkWorkerPath: worker.path,
            receiptScriptPath: receiptScript.path)
    }

    func render(_ template: String, _ view: Any) -> String {
        guard let html = library.render(view, withTemplate: template) else {
            preconditionFailure("missing template \(template)")
        }
        return html
    }

    func response(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        htmlResponse(ByteBuffer(string: render(template, view)), status: status, headers: headers)
    }

    func htmlResponse(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// Error pages hold nothing about the request, so each is rendered once: a flood that
    /// is refused (429) or lost (404) costs a copy, not a template.
    func errorPage(_ problem: AppError) -> Response {
        let body = errorPages.page(for: problem) {
            render(
                "error",
                ErrorView(
                    page: Layout(title: problem.title, stylesheet: stylesheetPath), status: problem.status.code, heading: problem.title,
                    detail: problem.detail))
        }
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
    }

    private let pages = Mutex<[Key: ByteBuffer]>([:])

    func page(for problem: AppError, render: () -> String) -> ByteBuffer {
        let key = Key(status: problem.status.code, title: problem.title, detail: problem.detail)
        if let page = pages.withLock({ $0[key] }) { return page }
        let page = ByteBuffer(string: render())
        pages.withLock { pages in
            if pages.count >= 256 { pages.removeAll() }
            pages[key] = page
        }
        return page
    }
}

/// A file of `Resources/static`, at a path that changes whenever its content does, so that
/// browsers may cache it for good.
struct StaticAsset: Sendable {
    let path: String
    let contentType: String
    let body: ByteBuffer

    init(file: String, extension: String, contentType: String) throws {
        let bytes = try Data(contentsOf: BundledResources.url("static/\(file).\(`extension`)"))
        let version = bytes.reduce(into: UInt32(2_166_136_261)) { hash, byte in hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        path = "/static/\(file).\(String(version, radix: 16)).\(`extension`)"
        self.contentType = contentType
        body = ByteBuffer(bytes: bytes)
    }
}

/// What every page's frame needs.
struct Layout {
    var title: String
    var stylesheet: String
    var lang = "en"
    var dir = "ltr"
    var description = ""
    /// The signed-in account's name, shown in the header on organizer pages.
    var accountName: String?
}

struct ErrorView {
    var page: Layout
    var status: Int
    var heading: String
    var detail: String
}

enum Numbers {
    /// 12345 → "12,345".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }
}

/// Right-to-left scripts get `dir="rtl"`.
enum TextDirection {
    static func of(language: String) -> String {
        let primary = language.split(separator: "-").first.map(String.init)?.lowercased() ?? ""
        return ["ar", "he", "fa", "ur", "ps", "yi", "ckb", "dv", "sd", "ug"].contains(primary) ? "rtl" : "ltr"
    }
}
