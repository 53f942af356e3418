import Foundation
import Hummingbird
import Mustache

/// The HTML templates (`Resources/templates`) and the one stylesheet, loaded once.
public struct Pages: Sendable {
    let library: MustacheLibrary
    let stylesheet: ByteBuffer
    /// Changes whenever the stylesheet does, so browsers may cache it for good.
    let stylesheetPath: String

    public static func load() async throws -> Pages {
        let library = try await MustacheLibrary(directory: BundledResources.url("templates").path)
        let css = try Data(contentsOf: BundledResources.url("static/app.css"))
        let version = css.reduce(into: UInt32(2_166_136_261)) { hash, byte in hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Pages(library: library, stylesheet: ByteBuffer(bytes: css), stylesheetPath: "/static/app.\(String(version, radix: 16)).css")
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

/// What every page's frame needs.
struct Layout {
    var title: String
    var stylesheet: String
    var lang = "en"
    var dir = "ltr"
    var description = ""
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
