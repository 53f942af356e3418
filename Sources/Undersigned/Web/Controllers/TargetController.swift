import Foundation
import HTTPTypes
import Hummingbird

/// A target's private page, opened by the link only it holds: the delivery it received, the
/// delivery package to download (audited, as every package is), and a form to answer in
/// public once the organization has reviewed the answer.
struct TargetController<Context: RequestContext>: Sendable {
    let targets: any TargetStore
    let responses: TargetResponses
    let exports: PackageExports
    let records: any DeliveryStore
    let catalog: PetitionCatalog
    let presenter: PetitionPresenter
    let csrf: CSRFProtection

    func addRoutes(to targets: GroupRouter<TargetRoute, Context>) {
        targets.get(TargetRoute.page, use: show)
        targets.get(TargetRoute.package, use: package)
        targets.post(TargetRoute.respond, use: respond)
    }

    /// A target's link, and what it names.
    private struct Link {
        var token: String
        var petition: Petition
        var position: Int
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await page(try await link(from: context), request: request, draft: "", error: nil, status: .ok)
    }

    /// Built on demand over a freshly signed tree head, and streamed from disk. Always the
    /// plain ZIP: a target is not the organization, and has no key of its own.
    @Sendable func package(_ request: Request, context: Context) async throws -> Response {
        let link = try await self.link(from: context)
        let (file, _) = try await PackageDownload.build {
            try await exports.exportForTarget(link.petition, position: link.position, zipTo: $0)
        }
        return try PackageDownload.response(
            streaming: file, fileName: "\(link.petition.slug)-delivery.zip", encryptingTo: nil)
    }

    @Sendable func respond(_ request: Request, context: Context) async throws -> Response {
        let link = try await self.link(from: context)
        let form = try await FormBody.read(request, context: context)
        let text = (try form.decode(TargetResponseForm.self).response ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard csrf.isValid(request, submittedToken: form[CSRFProtection.fieldName]) else {
            return try await page(
                link, request: request, draft: text,
                error: "For your safety this form has expired. Please press Send again.", status: .forbidden)
        }
        guard !text.isEmpty, text.count <= TargetResponse.maximumLength else {
            let error =
                text.isEmpty ? "Write your response before sending it." : "A response is at most 20,000 characters."
            return try await page(link, request: request, draft: text, error: error, status: .unprocessableContent)
        }
        do {
            try await responses.submit(text, to: link.petition, targetPosition: link.position)
        } catch let refusal as ResponseRefusal {
            var headers: HTTPFields = [:]
            let error: String
            switch refusal {
            case .tooManyPending:
                error =
                    "\(TargetResponses.maximumPending) responses are already waiting for the organization's review. "
                    + "Please send this one once they have been reviewed; your text is kept below."
            case .tooManyToday(let seconds):
                headers[.retryAfter] = String(seconds)
                error =
                    "A target may send at most \(TargetResponses.maximumPerDay) responses a day. Please send this one in \(AddressLimits.wait(seconds)); "
                    + "your text is kept below."
            }
            return try await page(
                link, request: request, draft: text, error: error, status: .tooManyRequests, extraHeaders: headers)
        }
        return .seeOther(TargetRoute.page(token: link.token).path(query: ["sent": nil]))
    }

    // MARK: Helpers

    private func page(
        _ link: Link, request: Request, draft: String, error: String?, status: HTTPResponse.Status,
        extraHeaders: HTTPFields = [:]
    ) async throws -> Response {
        let session = csrf.session(for: request)
        let petition = link.petition
        let position = link.position
        let target = petition.targets[position]
        let delivered = try await records.deliveries(petitionID: petition.id).filter { $0.targetPosition == position }
        let view = TargetPageView(
            page: presenter.layout(title: "For \(target.name)", for: petition, interface: .en),
            petition: try await presenter.petitionView(petition, withBody: true, interface: .en),
            target: TargetView(target), packagePath: TargetRoute.package(token: link.token).path,
            respondPath: TargetRoute.respond(token: link.token).path, csrf: csrf.token(forCookie: session.cookie),
            draft: draft,
            error: error,
            sent: request.uri.queryParameters.has("sent"),
            deliveries: delivered.map(DeliveryView.init),
            responses: try await targets.responses(petitionID: petition.id).filter { $0.targetPosition == position }
                .map(TargetResponseView.init))
        var headers: HTTPFields = [.xRobotsTag: "noindex", .cacheControl: "no-store"]
        headers.append(contentsOf: extraHeaders)
        if let setCookie = session.setCookie { headers[.setCookie] = setCookie }
        return presenter.pages.response(.target, view, language: .en, status: status, headers: headers)
    }

    private func link(from context: Context) async throws -> Link {
        guard let token = context.parameters.get(.token), token.utf8.count <= 64,
            let found = try await targets.target(forLinkHash: TargetLinks.hash(of: token)),
            let petition = try await catalog.petition(id: found.petitionID),
            petition.targets.indices.contains(found.targetPosition)
        else {
            throw AppError.notFound("This link is not valid, or it was revoked. Ask the campaign for a new one.")
        }
        // A taken-down petition shows its tombstone to its targets too: nothing to read or answer.
        if petition.state == .takenDown { throw PetitionTakenDown(petition: petition) }
        return Link(token: token, petition: petition, position: found.targetPosition)
    }
}

struct TargetPageView {
    var page: Layout
    var petition: PetitionView
    var target: TargetView
    var packagePath: String
    var respondPath: String
    var csrf: String
    var draft: String
    var error: String?
    var sent: Bool
    var deliveries: [DeliveryView]
    var responses: [TargetResponseView]
}

/// One of its responses as the target sees it, with where its review stands.
struct TargetResponseView {
    var date: String
    var status: String
    var bodyHTML: String

    init(_ response: TargetResponse) {
        date = ResponseView.dateFormatter.string(from: response.createdAt)
        status =
            switch response.state {
            case .pending: "Sent on \(date), waiting for the organization's review"
            case .approved: "Sent on \(date), published"
            case .rejected: "Sent on \(date), not published by the organization"
            }
        bodyHTML = MarkdownRenderer.html(from: response.bodyMarkdown)
    }
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
    /// "… responded on 3 December 2026:".
    var heading: String
    var bodyHTML: String

    init(_ response: TargetResponse, target: Target, words: Translation = Translations.english) {
        targetName = target.name
        date = Self.dateFormatter.string(from: response.createdAt)
        heading = words.text(
            .petitionRespondedOn, ["target": target.name, "date": words.language.date(response.createdAt)])
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

/// A target's response, written for the public.
struct TargetResponseForm: Decodable {
    var response: String?
}
