import Foundation
import HTTPTypes
import Hummingbird

/// A target's private page, opened by the link only it holds: the delivery it received, the
/// delivery package to download, and a form to answer in public.
struct TargetController<Context: RequestContext>: Sendable {
    let targets: any TargetStore
    let deliveries: Deliveries
    let records: any DeliveryStore
    let catalog: PetitionCatalog
    let presenter: PetitionPresenter
    let csrf: CSRFProtection

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/t/:token", use: show)
        router.get("/t/:token/package.zip", use: package)
        router.post("/t/:token/response", use: respond)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let (petition, position) = try await target(from: context)
        return try await page(petition, position: position, request: request, draft: "", error: nil, status: .ok)
    }

    /// Built on demand over a freshly signed tree head, and streamed from disk. Always the
    /// plain ZIP: a target is not the organization, and has no key of its own.
    @Sendable func package(_ request: Request, context: Context) async throws -> Response {
        let (petition, _) = try await target(from: context)
        let (file, _) = try await PackageDownload.build { try await deliveries.package(petition, to: $0) }
        return try PackageDownload.response(streaming: file, fileName: "\(petition.slug)-delivery.zip", encryptingTo: nil)
    }

    @Sendable func respond(_ request: Request, context: Context) async throws -> Response {
        let (petition, position) = try await target(from: context)
        let form = try await FormBody.read(request, context: context)
        let text = (form["response"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard csrf.isValid(request, submittedToken: form[CSRFProtection.fieldName]) else {
            return try await page(
                petition, position: position, request: request, draft: text,
                error: "For your safety this form has expired. Please press Publish again.", status: .forbidden)
        }
        guard !text.isEmpty, text.count <= TargetResponse.maximumLength else {
            let error = text.isEmpty ? "Write your response before publishing it." : "A response is at most 20,000 characters."
            return try await page(petition, position: position, request: request, draft: text, error: error, status: .unprocessableContent)
        }
        let target = petition.targets[position]
        let response = TargetResponse(petitionID: petition.id, targetPosition: position, bodyMarkdown: text)
        try await targets.insert(
            response,
            announcing: Announcement(
                petitionID: petition.id, subject: "\(target.name) has responded",
                body: "\(target.name) has responded to the petition you signed:\n\n\(text)"))
        catalog.forget(petition)
        return .seeOther(request.uri.path.replacingOccurrences(of: "/response", with: "") + "?published")
    }

    // MARK: Helpers

    private func page(
        _ petition: Petition, position: Int, request: Request, draft: String, error: String?, status: HTTPResponse.Status
    ) async throws -> Response {
        let session = csrf.session(for: request)
        let target = petition.targets[position]
        let token = request.uri.path.split(separator: "/")[1]
        let delivered = try await records.deliveries(petitionID: petition.id).filter { $0.targetPosition == position }
        let view = TargetPageView(
            page: presenter.layout(title: "For \(target.name)", for: petition), petition: try await presenter.petitionView(petition, withBody: true),
            target: TargetView(target), token: String(token), csrf: csrf.token(forCookie: session.cookie), draft: draft, error: error,
            published: request.uri.queryParameters.has("published"),
            deliveries: delivered.map(DeliveryView.init),
            responses: petition.responses.filter { $0.targetPosition == position }.map { ResponseView($0, target: target) })
        var headers: HTTPFields = [.xRobotsTag: "noindex", .cacheControl: "no-store"]
        if let setCookie = session.setCookie { headers[.setCookie] = setCookie }
        return presenter.pages.response("target", view, status: status, headers: headers)
    }

    private func target(from context: Context) async throws -> (Petition, Int) {
        guard let token = context.parameters.get("token"), token.utf8.count <= 64,
            let found = try await targets.target(forLinkHash: TargetLinks.hash(of: token)),
            let petition = try await catalog.petition(id: found.petitionID), petition.targets.indices.contains(found.targetPosition)
        else {
            throw AppError.notFound("This link is not valid, or it was revoked. Ask the campaign for a new one.")
        }
        // A taken-down petition shows its tombstone to its targets too: nothing to read or answer.
        if petition.state == .takenDown { throw PetitionTakenDown(petition: petition) }
        return (petition, found.targetPosition)
    }
}

struct TargetPageView {
    var page: Layout
    var petition: PetitionView
    var target: TargetView
    var token: String
    var csrf: String
    var draft: String
    var error: String?
    var published: Bool
    var deliveries: [DeliveryView]
    var responses: [ResponseView]
}

struct DeliveryView {
    var date: String
    var channel: String
    var count: String
    var root: String

    init(_ record: DeliveryRecord) {
        date = ResponseView.dateFormatter.string(from: record.deliveredAt)
        channel = record.channel.rawValue.replacingOccurrences(of: "-", with: " ")
        count = Numbers.grouped(record.treeHead.count)
        root = record.treeHead.root.hex
    }
}

struct ResponseView {
    var targetName: String
    var date: String
    var bodyHTML: String

    init(_ response: TargetResponse, target: Target) {
        targetName = target.name
        date = Self.dateFormatter.string(from: response.createdAt)
        bodyHTML = MarkdownRenderer.html(from: response.bodyMarkdown)
    }

    static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateStyle = .long
        return formatter
    }()
}
