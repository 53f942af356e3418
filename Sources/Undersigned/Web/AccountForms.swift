import Foundation
import HTTPTypes
import Hummingbird

/// What every organizer and admin page shares: its frame, the CSRF token of its forms, and
/// headers that keep it out of caches and search engines.
struct AccountPages: Sendable {
    let pages: Pages
    let csrf: CSRFProtection

    /// The frame of a page in the interface language the visitor asked for.
    func layout(_ title: String, _ context: AppRequestContext) -> Layout {
        Layout(
            title: title, stylesheet: pages.stylesheetPath, language: context.language(),
            accountName: context.signedIn?.account.name)
    }

    /// The words of the visitor's interface language, for what a controller writes itself.
    func words(_ context: AppRequestContext) -> Translation {
        Translations.bundled[context.language()]
    }

    /// Renders `template` with a view built around this visitor's form token.
    func respond(
        _ template: PageTemplate, request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok,
        cookies: [String] = [], view: (_ csrf: String) -> Any
    ) -> Response {
        let session = csrf.session(for: request)
        var headers: HTTPFields = [.cacheControl: "no-store", .xRobotsTag: "noindex"]
        for cookie in cookies + [session.setCookie].compactMap({ $0 }) {
            headers.append(HTTPField(name: .setCookie, value: cookie))
        }
        return pages.response(
            template, view(csrf.token(forCookie: session.cookie)), language: context.language(), status: status,
            headers: headers)
    }

    /// Reads a form and checks that it came from one of this site's pages.
    func form(_ request: Request, context: AppRequestContext, upTo limit: Int? = nil) async throws -> FormBody {
        let body = try await FormBody.read(request, context: context, upTo: limit)
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else { throw AppError.expiredForm }
        return body
    }

    /// Reads a form, checks that it came from one of this site's pages, and decodes its fields.
    func form<Fields: Decodable>(
        _ type: Fields.Type, _ request: Request, context: AppRequestContext, upTo limit: Int? = nil
    ) async throws -> Fields {
        try await form(request, context: context, upTo: limit).decode(type)
    }

    /// Reads an upload form and checks that it came from one of this site's pages.
    func upload(_ request: Request, context: AppRequestContext, upTo limit: Int) async throws -> MultipartForm {
        let form = try await MultipartForm.read(request, context: context, upTo: limit)
        guard csrf.isValid(request, submittedToken: form[CSRFProtection.fieldName]) else { throw AppError.expiredForm }
        return form
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return .seeOther(location, headers: headers)
    }
}
