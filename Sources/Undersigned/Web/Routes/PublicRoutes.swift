/// The home page, operations and the static files.
public enum SiteRoute: RouteGroup {
    case home
    case health
    /// Whether this instance should take traffic: the database answers and its schema is current.
    case readiness
    case metrics
    /// A file of `Resources/static`, by its versioned name.
    case staticFile(name: String)
    /// The key the signature logs' tree heads are signed with.
    case logKey

    public static let prefix: [String] = []
    public static let all: [SiteRoute] = [.home, .health, .readiness, .metrics, .staticFile(name: ""), .logKey]

    public var declaration: RouteDeclaration {
        switch self {
        case .home: .get()
        case .health: .get("healthz")
        case .readiness: .get("readyz")
        case .metrics: .get("metrics")
        case .staticFile(let name): .get("static", .file(name))
        case .logKey: .get(".well-known", "undersigned", "log-key")
        }
    }
}

/// A petition as everyone sees it, and what visitors do there.
public enum PetitionRoute: RouteGroup {
    case page(slug: String)
    case sign(slug: String)
    /// After signing: the confirmation link is on its way.
    case checkEmail(slug: String)
    case countries(slug: String)
    case report(slug: String)
    case reportThanks(slug: String)
    case image(slug: String)
    case receipt(slug: String)
    /// A printable page with the petition's address in large type, for noticeboards and stalls.
    case flyer(slug: String)
    /// The count as server-sent events, for the page's script.
    case events(slug: String)
    /// The widget partner sites frame: the count and the sign form.
    case embed(slug: String)
    /// Where the widget's form posts, with a form token of its own instead of the site's cookie.
    case embedSign(slug: String)
    /// The widget after signing: the confirmation link is on its way.
    case embedCheckEmail(slug: String)

    public static let prefix = ["p"]
    public static let all: [PetitionRoute] = [
        .page(slug: ""), .sign(slug: ""), .checkEmail(slug: ""), .countries(slug: ""), .report(slug: ""),
        .reportThanks(slug: ""), .image(slug: ""), .receipt(slug: ""), .flyer(slug: ""),
        .events(slug: ""), .embed(slug: ""), .embedSign(slug: ""), .embedCheckEmail(slug: ""),
    ]

    /// Whether `path` (as requested, without its query) is one of the widget's routes: the
    /// only pages other sites may frame. A path written other than as the site writes it is not.
    static func isFramable(path: String) -> Bool {
        // Asked of every response: most paths are told apart by their fourth segment alone.
        let segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard segments.count > 3, segments[3].elementsEqual("embed".utf8),
            let slug = String(decoding: segments[2], as: UTF8.self).removingPercentEncoding
        else { return false }
        return [embed(slug: slug), embedSign(slug: slug), embedCheckEmail(slug: slug)].contains { $0.path == path }
    }

    public var declaration: RouteDeclaration {
        switch self {
        case .page(let slug): .get(.slug(slug))
        case .sign(let slug): .post(.slug(slug), "sign")
        case .checkEmail(let slug): .get(.slug(slug), "check-email")
        case .countries(let slug): .get(.slug(slug), "countries")
        case .report(let slug): .getAndPost(.slug(slug), "report")
        case .reportThanks(let slug): .get(.slug(slug), "report", "thanks")
        case .image(let slug): .get(.slug(slug), "image")
        case .receipt(let slug): .get(.slug(slug), "receipt")
        case .flyer(let slug): .get(.slug(slug), "flyer")
        case .events(let slug): .get(.slug(slug), "events")
        case .embed(let slug): .get(.slug(slug), "embed")
        case .embedSign(let slug): .post(.slug(slug), "embed", "sign")
        case .embedCheckEmail(let slug): .get(.slug(slug), "embed", "check-email")
        }
    }
}

/// The links emailed to signers. Each opens a page with a button that posts back to the link.
public enum SignerRoute: RouteGroup {
    case confirm(token: String)
    case withdraw(token: String)
    case unsubscribe(token: String)

    public static let prefix: [String] = []
    public static let all: [SignerRoute] = [.confirm(token: ""), .withdraw(token: ""), .unsubscribe(token: "")]

    public var declaration: RouteDeclaration {
        switch self {
        case .confirm(let token): .getAndPost("confirm", .token(token))
        case .withdraw(let token): .getAndPost("withdraw", .token(token))
        case .unsubscribe(let token): .getAndPost("unsubscribe", .token(token))
        }
    }
}

/// A target's private link, and what it opens.
public enum TargetRoute: RouteGroup {
    case page(token: String)
    case package(token: String)
    case respond(token: String)

    public static let prefix = ["t"]
    public static let all: [TargetRoute] = [.page(token: ""), .package(token: ""), .respond(token: "")]

    public var declaration: RouteDeclaration {
        switch self {
        case .page(let token): .get(.token(token))
        case .package(let token): .get(.token(token), "package.zip")
        case .respond(let token): .post(.token(token), "response")
        }
    }
}

/// The JSON API. Every answer under it, errors included, is JSON.
public enum APIRoute: RouteGroup {
    case petitions
    case petition(slug: String)
    case countries(slug: String)
    case receipt(slug: String, code: String)
    case log(slug: String)
    case consistency(slug: String)
    /// A partner site submits a signature with its organization's key.
    case signatures(slug: String)

    public static let prefix = ["api", "v1"]
    /// Every path under it is for programs, whose errors are problem details, not pages.
    static let area = "/api/"
    public static let all: [APIRoute] = [
        .petitions, .petition(slug: ""), .countries(slug: ""), .receipt(slug: "", code: ""), .log(slug: ""),
        .consistency(slug: ""), .signatures(slug: ""),
    ]

    public var declaration: RouteDeclaration {
        switch self {
        case .petitions: .get("petitions")
        case .petition(let slug): .get("petitions", .slug(slug))
        case .countries(let slug): .get("petitions", .slug(slug), "countries")
        case .receipt(let slug, let code): .get("petitions", .slug(slug), "receipts", .code(code))
        case .log(let slug): .get("petitions", .slug(slug), "log")
        case .consistency(let slug): .get("petitions", .slug(slug), "log", "consistency")
        case .signatures(let slug): .post("petitions", .slug(slug), "signatures")
        }
    }
}

/// The description of the JSON API, beside the versions it describes.
public enum APIDocumentRoute: RouteGroup {
    /// The OpenAPI document of ``APIRoute``.
    case openAPI

    public static let prefix = ["api"]
    public static let all: [APIDocumentRoute] = [.openAPI]

    public var declaration: RouteDeclaration {
        switch self {
        case .openAPI: .get("openapi.json")
        }
    }
}
