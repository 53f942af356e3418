import Foundation
import HTTPTypes
import Hummingbird

/// Headers every response carries: nothing loads from elsewhere, nothing frames the pages,
/// and no address (a confirmation link, say) leaks through the Referer header. When the site
/// is served over HTTPS, browsers are also told to use nothing else for it from then on.
///
/// The widget's pages (``PetitionRoute/isFramable(path:)``), errors included, are the one
/// exception: any site may frame them, so that partners can embed the sign form.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let fields: [HTTPField]
    let framableFields: [HTTPField]

    init(baseURL: URL) {
        let transport = baseURL.scheme == "https" ? [SecurityHeaders.strictTransportSecurity] : []
        fields = SecurityHeaders.fields + transport
        framableFields = SecurityHeaders.framableFields + transport
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers.append(contentsOf: PetitionRoute.isFramable(path: request.uri.path) ? framableFields : fields)
        return response
    }
}

enum SecurityHeaders {
    static func contentSecurityPolicy(frameAncestors: String) -> String {
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; worker-src 'self'; connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors \(frameAncestors)"
    }

    /// Built once: every response carries the same ones.
    static let fields: [HTTPField] =
        [
            HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy(frameAncestors: "'none'")),
            // For browsers that predate `frame-ancestors`.
            HTTPField(name: .xFrameOptions, value: "DENY"),
        ] + unrelatedToFraming

    /// The widget's: any page may frame it. `X-Frame-Options` has no value that says so; without
    /// it, the policy decides.
    static let framableFields: [HTTPField] =
        [HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy(frameAncestors: "*"))]
        + unrelatedToFraming

    private static let unrelatedToFraming: [HTTPField] = [
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: .referrerPolicy, value: "no-referrer"),
        HTTPField(name: .crossOriginOpenerPolicy, value: "same-origin"),
        HTTPField(name: .permissionsPolicy, value: "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ]

    /// Two years, as browsers' preload lists ask; subdomains too, since the site's cookies are
    /// worth nothing if a subdomain can be reached in clear.
    static let strictTransportSecurity = HTTPField(
        name: .strictTransportSecurity, value: "max-age=63072000; includeSubDomains")
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    static let permissionsPolicy = Self("Permissions-Policy")!
    static let secFetchSite = Self("Sec-Fetch-Site")!
    static let xRobotsTag = Self("X-Robots-Tag")!
    /// Tells nginx not to buffer a response: an event stream must reach the browser as written.
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
