import Foundation
import HTTPTypes
import Hummingbird

/// A target's private page, opened by the link only it holds: the delivery it received, the
/// delivery package to download (audited, as every package is), and a form to answer in
/// public once the organization has reviewed the answer. It reads in the language the
/// visitor asked for, else the petition's when the interface has it, else English.
struct TargetController<Context: LanguageRequestContext>: Sendable {
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
        try await page(
            try await link(from: context), request: request, context: context, draft: "", error: nil, status: .ok)
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
        let words = Translations.bundled[context.language(for: link.petition)]
        let form = try await FormBody.read(request, context: context)
        let text = (try form.decode(TargetResponseForm.self).response ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard csrf.isValid(request, submittedToken: form[CSRFProtection.fieldName]) else {
            return try await page(
                link, request: request, context: context, draft: text, error: words.text(.targetErrorExpired),
                status: .forbidden)
        }
        guard !text.isEmpty, text.count <= TargetResponse.maximumLength else {
            let error =
                text.isEmpty
                ? words.text(.targetErrorEmpty)
                : words.text(.targetErrorTooLong, ["limit": words.language.number(TargetResponse.maximumLength)])
            return try await page(
                link, request: request, context: context, draft: text, error: error, status: .unprocessableContent)
        }
        do {
            try await responses.submit(text, to: link.petition, targetPosition: link.position)
        } catch let refusal as ResponseRefusal {
            var headers: HTTPFields = [:]
            let error: String
            switch refusal {
            case .tooManyPending:
                error = words.text(
                    .targetErrorTooManyPending, ["count": words.language.number(TargetResponses.maximumPending)])
            case .tooManyToday(let seconds):
                headers[.retryAfter] = String(seconds)
                error = words.text(
                    .targetErrorTooManyToday,
                    ["count": words.language.number(TargetResponses.maximumPerDay), "wait": words.wait(seconds)])
            }
            return try await page(
                link, request: request, context: context, draft: text, error: error, status: .tooManyRequests,
                extraHeaders: headers)
        }
        return .seeOther(TargetRoute.page(token: link.token).path(query: ["sent": nil]))
    }

    // MARK: Helpers

    private func page(
        _ link: Link, request: Request, context: Context, draft: String, error: String?,
        status: HTTPResponse.Status,
        extraHeaders: HTTPFields = [:]
    ) async throws -> Response {
        let session = csrf.session(for: request)
        let petition = link.petition
        let position = link.position
        let target = petition.targets[position]
        let language = context.language(for: petition)
        let words = Translations.bundled[language]
        let delivered = try await records.deliveries(petitionID: petition.id).filter { $0.targetPosition == position }
        let count = try await presenter.counts.count(for: petition.id)
        let named =
            "<strong>\(HTMLSanitizer.escapeAttribute(target.name))</strong>"
            + (target.role.isEmpty ? "" : ", " + HTMLSanitizer.escapeAttribute(target.role))
        let view = TargetPageView(
            page: presenter.layout(
                title: words.text(.targetPageTitle, ["name": target.name]), for: petition, interface: language),
            petition: try await presenter.petitionView(petition, withBody: true, interface: language),
            privateNote: Self.html(words.text(.targetPrivate, ["name": "\u{E000}"]), marked: named),
            signedLine: Self.html(
                words.counted(.targetSigned, count, ["count": "\u{E000}"]),
                marked: #"<strong class="count">"# + language.number(count) + "</strong>"),
            packagePath: TargetRoute.package(token: link.token).path,
            respondPath: TargetRoute.respond(token: link.token).path, csrf: csrf.token(forCookie: session.cookie),
            draft: draft,
            error: error,
            sent: request.uri.queryParameters.has("sent"),
            deliveries: delivered.map { DeliveryView($0, words: words) },
            responses: try await targets.responses(petitionID: petition.id).filter { $0.targetPosition == position }
                .map { TargetResponseView($0, words: words) })
        var headers: HTTPFields = [.xRobotsTag: "noindex", .cacheControl: "no-store"]
        headers.append(contentsOf: extraHeaders)
        if let setCookie = session.setCookie { headers[.setCookie] = setCookie }
        return presenter.pages.response(.target, view, language: language, status: status, headers: headers)
    }

    /// The catalog's text escaped, with the marked place holding `html` of this code's own.
    private static func html(_ text: String, marked html: String) -> String {
        HTMLSanitizer.escapeAttribute(text).replacingOccurrences(of: "\u{E000}", with: html)
    }

    private func link(from context: Context) async throws -> Link {
        guard let token = context.parameters.get(.token), token.utf8.count <= 64,
            let found = try await targets.target(forLinkHash: TargetLinks.hash(of: token)),
            let petition = try await catalog.petition(id: found.petitionID),
            petition.targets.indices.contains(found.targetPosition)
        else {
            let words = Translations.bundled[context.language()]
            throw AppError.notFound(words.text(.targetErrorInvalidLink))
        }
        // A taken-down petition shows its tombstone to its targets too: nothing to read or answer.
        if petition.state == .takenDown { throw PetitionTakenDown(petition: petition) }
        return Link(token: token, petition: petition, position: found.targetPosition)
    }
}

struct TargetPageView {
    var page: Layout
    var petition: PetitionView
    /// Whom the page is for, as HTML: the catalog's text escaped, the name in bold.
    var privateNote: String
    /// How many signed, as HTML, the number in `.count`.
    var signedLine: String
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

    init(_ response: TargetResponse, words: Translation) {
        date = words.language.date(response.createdAt)
        let phrase: Phrase =
            switch response.state {
            case .pending: .targetStatusPending
            case .approved: .targetStatusApproved
            case .rejected: .targetStatusRejected
            }
        status = words.text(phrase, ["date": date])
        bodyHTML = MarkdownRenderer.html(from: response.bodyMarkdown)
    }
}

struct DeliveryView {
    /// When, how and how many, before the log's root.
    var line: String
    var root: String

    init(_ record: DeliveryRecord, words: Translation) {
        line = words.counted(
            .targetDelivered, record.treeHead.count,
            ["date": words.language.date(record.deliveredAt), "channel": words.deliveryChannel(record.channel)])
        root = record.treeHead.root.hex
    }
}

struct ResponseView {
    var targetName: String
    /// "… responded on 3 December 2026:".
    var heading: String
    var bodyHTML: String

    init(_ response: TargetResponse, target: Target, words: Translation = Translations.english) {
        targetName = target.name
        heading = words.text(
            .petitionRespondedOn, ["target": target.name, "date": words.language.date(response.createdAt)])
        bodyHTML = MarkdownRenderer.html(from: response.bodyMarkdown)
    }
}

/// A target's response, written for the public.
struct TargetResponseForm: Decodable {
    var response: String?
}
