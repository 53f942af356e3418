import Foundation
import Hummingbird

/// The organizers' record of taking a petition to its targets: deliveries with their
/// evidence, and each target's private link to read it and respond.
struct DeliveryController: Sendable {
    typealias Context = AppRequestContext

    let deliveries: Deliveries
    let records: any DeliveryStore
    let links: any TargetStore
    let access: PetitionAccess
    let catalog: PetitionCatalog
    let forms: AccountPages
    let baseURL: URL
    let clock: WallClock

    static let uploadLimit = DeliveryRecord.Evidence.maximumSize + 64 * 1024

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>) {
        organizers.get(OrganizerRoute.deliveries, use: show)
        organizers.post(OrganizerRoute.deliveries, use: record)
        organizers.get(OrganizerRoute.evidence, use: evidence)
        organizers.post(OrganizerRoute.targetLinks, use: targetLink)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewPetitions, request, context)
        let words = forms.words(context)
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }.map { words.text($0) }
        return try await page(request, context, granted, notice: notice)
    }

    @Sendable func record(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.upload(request, context: context, upTo: Self.uploadLimit)
        let fields = try form.decode(DeliveryForm.self)
        let petition = granted.petition
        let words = forms.words(context)
        var problems = FormProblems()
        let position = Self.targetPosition(fields.target, of: petition)
        if position == nil { problems["target"] = words.text(.deliveriesErrorTarget) }
        let channel = DeliveryChannel(rawValue: fields.channel ?? "")
        if channel == nil { problems["channel"] = words.text(.deliveriesErrorChannel) }
        let deliveredBy = (fields.by ?? "").trimmed()
        if deliveredBy.isEmpty || deliveredBy.count > 200 {
            problems["by"] = words.text(.deliveriesErrorBy, ["limit": words.language.number(200)])
        }
        let notes = (fields.notes ?? "").trimmed()
        if notes.count > 2_000 {
            problems["notes"] = words.text(.deliveriesErrorNotes, ["limit": words.language.number(2_000)])
        }
        let date = Self.date(fields.date, now: clock.now)
        if date == nil { problems["date"] = words.text(.deliveriesErrorDate) }
        var evidence: DeliveryRecord.Evidence?
        if let file = form.files["evidence"], !file.bytes.isEmpty {
            do {
                evidence = try DeliveryRecord.Evidence(fileName: file.filename, bytes: file.bytes)
            } catch DeliveryError.evidenceType(let known) {
                problems["evidence"] = words.text(
                    .deliveriesErrorEvidenceType, ["types": known.joined(separator: ", ")])
            } catch DeliveryError.evidenceTooLarge {
                problems["evidence"] = words.text(.deliveriesErrorEvidenceTooLarge)
            }
        }
        guard problems.isEmpty, let position, let channel, let date else {
            return try await page(
                request, context, granted, problems: ProblemsView(problems), status: .unprocessableContent)
        }
        _ = try await deliveries.record(
            petition, targetPosition: position, deliveredAt: date, channel: channel, deliveredBy: deliveredBy,
            notes: notes, evidence: evidence,
            by: granted.account.id)
        catalog.forget(petition)
        return AccountPages.redirect(Self.deliveries(granted).path(query: ["done": "recorded"]))
    }

    @Sendable func evidence(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewPetitions, request, context)
        let id = try context.parameters.id(.id)
        guard let record = try await records.deliveries(petitionID: granted.petition.id).first(where: { $0.id == id }),
            let evidence = record.evidence
        else { throw AppError.notFound(forms.words(context).text(.deliveriesErrorNoEvidence)) }
        let safeName = String(
            evidence.fileName.unicodeScalars.filter {
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789.-_".unicodeScalars.contains($0))
            })
        return Response(
            status: .ok,
            headers: [
                .contentType: evidence.contentType,
                .contentDisposition: "attachment; filename=\"\(safeName.isEmpty ? "evidence" : safeName)\"",
                .cacheControl: "no-store", .contentSecurityPolicy: "default-src 'none'; sandbox",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: evidence.bytes)))
    }

    /// Makes a new private link for a target, shown once on the page that answers, or
    /// revokes every link of the target. Owners only: the link opens the package with names.
    @Sendable func targetLink(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.manageTargetLinks, request, context)
        let body = try await forms.form(request, context: context)
        let petition = granted.petition
        // The page offers only the petition's targets: any other was not sent from it.
        guard let form = try? body.decode(TargetLinkForm.self),
            let position = Self.targetPosition(form.target, of: petition)
        else { throw AppError.badRequest(forms.words(context).text(.deliveriesErrorChooseTarget)) }
        let now = clock.now
        let words = forms.words(context)
        if form.intent == "revoke" {
            guard ConfirmationStep.isConfirmed(body) else {
                let target = petition.targets[position]
                let links = PetitionLinks(organization: granted.organization.organization.slug, petition: petition.slug)
                let step = ConfirmationStep(
                    heading: words.text(.deliveriesRevokeHeading, ["target": target.name]),
                    consequences: [
                        words.text(.deliveriesRevokeStops, ["target": target.name]),
                        words.text(.deliveriesRevokeUndo),
                    ],
                    confirmLabel: words.text(.deliveriesRevokeButton), action: links.targetLinks,
                    fields: [
                        .init(name: "target", value: String(form.target)), .init(name: "intent", value: "revoke"),
                    ],
                    backPath: links.deliveries, backLabel: words.text(.deliveriesRevokeBack))
                return forms.confirmation(step, request: request, context: context)
            }
            _ = try await links.revokeTargetLinks(
                petitionID: petition.id, targetPosition: position, at: now,
                audit: TargetLinks.event(
                    .targetLinksRevoked, petition, targetPosition: position, by: granted.account.id, at: now))
            return AccountPages.redirect(Self.deliveries(granted).path(query: ["done": "revoked"]))
        }
        guard petition.state.hasOpened else { throw AppError.targetLinksNotYet }
        let (token, hash) = TargetLinks.newToken()
        try await links.insertTargetLink(
            petitionID: petition.id, targetPosition: position, tokenHash: hash, at: now,
            audit: TargetLinks.event(
                .targetLinkCreated, petition, targetPosition: position, by: granted.account.id, at: now))
        let link = NewTargetLink(
            text: words.text(.deliveriesNewLink, ["target": petition.targets[position].name]),
            url: TargetRoute.page(token: token).url(on: baseURL))
        return try await page(request, context, granted, newLink: link)
    }

    // MARK: Page

    static let notices: [String: Phrase] = [
        "recorded": .deliveriesNoticeRecorded, "revoked": .deliveriesNoticeRevoked,
    ]

    static func deliveries(_ granted: PetitionAccess.Granted) -> OrganizerRoute {
        .deliveries(organization: granted.organization.organization.slug, petition: granted.petition.slug)
    }

    /// The index of the target a form names by its 1-based number, checked against the
    /// petition's targets before any arithmetic: the number is whatever the request says.
    static func targetPosition(_ field: String?, of petition: Petition) -> Int? {
        field.flatMap { Int($0) }.flatMap { targetPosition($0, of: petition) }
    }

    static func targetPosition(_ number: Int, of petition: Petition) -> Int? {
        guard number >= 1, number <= petition.targets.count else { return nil }
        return number - 1
    }

    /// A day as typed (`YYYY-MM-DD`, noon UTC), or now when left empty; never in the future.
    static func date(_ text: String?, now: Date) -> Date? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return now }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        guard let day = formatter.date(from: text)?.addingTimeInterval(12 * 3600),
            day <= now.addingTimeInterval(14 * 3600)
        else { return nil }
        return min(day, now)
    }

    private func page(
        _ request: Request, _ context: Context, _ granted: PetitionAccess.Granted, notice: String? = nil,
        newLink: NewTargetLink? = nil,
        problems: ProblemsView = ProblemsView(), status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let petition = granted.petition
        let words = forms.words(context)
        let stored = try await records.deliveries(petitionID: petition.id)
        let targets = petition.targets.enumerated().map { position, target in
            let rows = stored.filter { $0.targetPosition == position }.map { record in
                DeliveriesView.Row(
                    date: words.language.date(record.deliveredAt), channel: words.deliveryChannel(record.channel),
                    by: record.deliveredBy,
                    notes: record.notes, count: words.language.number(record.treeHead.count),
                    treeSize: words.text(.deliveriesLogSize, ["size": String(record.treeHead.size)]),
                    evidenceName: record.evidence?.fileName,
                    evidenceURL: record.evidence.map { _ in
                        OrganizerRoute.evidence(
                            organization: granted.organization.organization.slug, petition: petition.slug,
                            delivery: record.id.text
                        ).path
                    },
                    evidenceSHA256: record.evidence?.sha256)
            }
            return DeliveriesView.TargetDeliveries(
                number: position + 1, name: target.name, role: target.role.isEmpty ? nil : target.role,
                deliveries: rows,
                hasDeliveries: !rows.isEmpty)
        }
        let canRecord = granted.allows(.editPetitions) && petition.state.hasOpened
        let canManageLinks = granted.allows(.manageTargetLinks) && petition.state.hasOpened
        return forms.respond(.petitionDeliveries, request: request, context: context, status: status) { csrf in
            DeliveriesView(
                page: forms.layout(words.text(.deliveriesPageTitle), context), csrf: csrf,
                links: PetitionLinks(organization: granted.organization.organization.slug, petition: petition.slug),
                title: petition.title, lang: petition.language, dir: TextDirection.of(language: petition.language),
                state: words.text(.deliveriesState, ["state": words.label(of: petition.state)]),
                canRecord: canRecord, canManageLinks: canManageLinks, targets: targets,
                channels: DeliveryChannel.allCases.map {
                    DeliveriesView.Channel(value: $0.rawValue, label: words.deliveryChannel($0))
                },
                newLink: newLink, notice: notice, problems: problems)
        }
    }
}

struct NewTargetLink {
    /// What the link is for, naming its target.
    var text: String
    var url: String
}

struct DeliveriesView {
    struct Row {
        var date: String
        var channel: String
        var by: String
        var notes: String
        var count: String
        var treeSize: String
        var evidenceName: String?
        var evidenceURL: String?
        var evidenceSHA256: String?
    }

    struct TargetDeliveries {
        var number: Int
        var name: String
        var role: String?
        var deliveries: [Row]
        var hasDeliveries: Bool
    }

    struct Channel {
        var value: String
        var label: String
    }

    var page: Layout
    var csrf: String
    var links: PetitionLinks
    var title: String
    var lang: String
    var dir: String
    var state: String
    var canRecord: Bool
    var canManageLinks: Bool
    var targets: [TargetDeliveries]
    var channels: [Channel]
    var newLink: NewTargetLink?
    var notice: String?
    var problems: ProblemsView
}

extension Translation {
    /// How a delivery was made, as the delivery form offers it.
    func deliveryChannel(_ channel: DeliveryChannel) -> String {
        switch channel {
        case .email: text(.deliveriesChannelEmail)
        case .inPerson: text(.deliveriesChannelInPerson)
        case .post: text(.deliveriesChannelPost)
        case .onlineForm: text(.deliveriesChannelOnlineForm)
        }
    }
}

/// A delivery to record; its evidence file is read apart.
struct DeliveryForm: Decodable {
    /// The target's number, from 1.
    var target: String?
    var channel: String?
    var by: String?
    var notes: String?
    /// `YYYY-MM-DD`; today when left empty.
    var date: String?
}

/// A private link to make for a target, or, with `intent` `revoke`, to revoke all of its.
struct TargetLinkForm: Decodable {
    /// The target's number, from 1.
    var target: Int
    var intent: String?
}
