import Hummingbird

/// Reads the session cookie on organizer and admin routes and puts the signed-in account in
/// the request context. Public pages do without it, so they never touch the sessions table.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: Sessions
    let cookie: SessionCookie

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let token = cookie.token(in: request) {
            context.signedIn = try await sessions.current(token: token)
        }
        return try await next(request, context)
    }
}

/// The session cookie: `HttpOnly`, `SameSite=Lax`, for the whole site; over HTTPS also
/// `Secure`, with the `__Host-` prefix that forbids any other site or path to set it.
struct SessionCookie: Sendable {
    let secure: Bool

    var name: String { secure ? "__Host-undersigned_session" : "undersigned_session" }

    func token(in request: Request) -> String? {
        request.cookie(name)
    }

    func setting(_ token: SecretToken, maxAgeSeconds: Int) -> String {
        "\(name)=\(token.value); Path=/; Max-Age=\(maxAgeSeconds); HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    var clearing: String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }
}

/// Asked of a route that needs a signed-in account: pages redirect to the sign-in form and
/// come back after; API clients get 401 problem details.
struct SignInRequired: Error {
    /// Where to come back to after signing in.
    var returnPath: String
}

extension Request {
    /// The signed-in account, or ``SignInRequired``.
    func requireSignedIn(_ context: AppRequestContext) throws -> SignedIn {
        guard let signedIn = context.signedIn else {
            throw SignInRequired(returnPath: method == .get ? uri.path : AccountRoute.account.path)
        }
        return signedIn
    }
}
