import Foundation
import HTTPTypes
import Hummingbird

/// Finds the interface language a visitor asked for: `?lang=` first, remembered for a year in a
/// cookie; else that cookie; else the first language of `Accept-Language` the interface has.
/// The choice is a preference, not personal data: the cookie holds only the language's code.
/// The cookie that remembers a visitor's choice of language.
enum LanguageCookie {
    static let name = "undersigned_lang"
}

struct LanguageMiddleware<Context: LanguageRequestContext>: RouterMiddleware {

    let secure: Bool

    init(baseURL: URL) {
        secure = baseURL.scheme == "https"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let picked = request.uri.queryParameters.get("lang").flatMap { InterfaceLanguage(rawValue: $0) }
        context.askedLanguage =
            picked
            ?? request.cookie(LanguageCookie.name).flatMap { InterfaceLanguage(rawValue: $0) }
            ?? InterfaceLanguage.preferred(byHeader: request.headers[.acceptLanguage])
        var response = try await next(request, context)
        if let picked {
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value:
                        "\(LanguageCookie.name)=\(picked.code); Path=/; Max-Age=31536000; SameSite=Lax\(secure ? "; Secure" : "")"
                ))
        }
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers.append(HTTPField(name: .vary, value: "Accept-Language, Cookie"))
        }
        return response
    }
}
