import Foundation
import Hummingbird
import Mustache

/// The HTML templates (`Resources/templates`) and the static files (`Resources/static`: the
/// stylesheet, the sign form's script and its proof-of-work worker), loaded once.
public struct Pages: Sendable {
    let library: MustacheLibrary
    /// Static files by path.
    let assets: [String: StaticAsset]
    let stylesheetPath: String
    let signScriptPath: String
    let proofOfWorkWorkerPath: String

    public static func load() async throws -> Pages {
        let library = try await MustacheLibrary(directory: BundledResources.url("templates").path)
        let stylesheet = try StaticAsset(file: "app", extension: "css", contentType: "text/css; charset=utf-8")
        let signScript = try StaticAsset(file: "sign", extension: "js", contentType: "text/javascript; charset=utf-8")
        let worker = try StaticAsset(file: "proof-of-work-worker", extension: "js", contentType: "text/javascript; charset=utf-8")
        return Pages(
            library: library, assets: Dictionary(uniqueKeysWithValues: [stylesheet, signScript, worker].map { ($0.path, $0) }),
            stylesheetPath: stylesheet.path, signScriptPath: signScript.path, proofOfWorkWorkerPath: worker.path)
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

    func errorPage(_ problem: AppError) -> Response {
        response(
            "error",
            ErrorView(page: Layout(title: problem.title, stylesheet: stylesheetPath), status: problem.status.code, heading: problem.title, detail: problem.detail),
            status: problem.status)
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
