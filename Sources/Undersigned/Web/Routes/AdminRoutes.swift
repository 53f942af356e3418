/// The instance's admins: moderation, accounts, the outbox, the logs and the audit log.
public enum AdminRoute: RouteGroup {
    case review
    case petition(slug: String)
    case approve(petition: String)
    case reject(petition: String)
    case takeDown(petition: String)
    case dismissReports(petition: String)
    case approveTranslation(petition: String, language: String)
    case rejectTranslation(petition: String, language: String)
    case image(petition: String)
    case responses(petition: String)
    case approveResponse(petition: String, response: String)
    case rejectResponse(petition: String, response: String)
    case accounts
    case disableAccount(id: String)
    case enableAccount(id: String)
    case outbox
    case log
    case audit

    public static let prefix = ["admin"]
    public static let all: [AdminRoute] = [
        .review, .petition(slug: ""), .approve(petition: ""), .reject(petition: ""), .takeDown(petition: ""),
        .dismissReports(petition: ""), .approveTranslation(petition: "", language: ""),
        .rejectTranslation(petition: "", language: ""), .image(petition: ""), .responses(petition: ""),
        .approveResponse(petition: "", response: ""), .rejectResponse(petition: "", response: ""), .accounts,
        .disableAccount(id: ""), .enableAccount(id: ""), .outbox, .log, .audit,
    ]

    public var declaration: RouteDeclaration {
        switch self {
        case .review: .get("review")
        case .petition(let slug): .get("petitions", .petition(slug))
        case .approve(let petition): .post("petitions", .petition(petition), "approve")
        case .reject(let petition): .post("petitions", .petition(petition), "reject")
        case .takeDown(let petition): .post("petitions", .petition(petition), "take-down")
        case .dismissReports(let petition): .post("petitions", .petition(petition), "dismiss-reports")
        case .approveTranslation(let petition, let language):
            .post("petitions", .petition(petition), "translations", .language(language), "approve")
        case .rejectTranslation(let petition, let language):
            .post("petitions", .petition(petition), "translations", .language(language), "reject")
        case .image(let petition): .get("petitions", .petition(petition), "image")
        case .responses(let petition): .get("petitions", .petition(petition), "responses")
        case .approveResponse(let petition, let response):
            .post("petitions", .petition(petition), "responses", .id(response), "approve")
        case .rejectResponse(let petition, let response):
            .post("petitions", .petition(petition), "responses", .id(response), "reject")
        case .accounts: .get("accounts")
        case .disableAccount(let id): .post("accounts", .id(id), "disable")
        case .enableAccount(let id): .post("accounts", .id(id), "enable")
        case .outbox: .get("outbox")
        case .log: .get("log")
        case .audit: .get("audit")
        }
    }
}
