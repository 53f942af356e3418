import Foundation
import Hummingbird

/// The moderators' pages: the queue of petitions waiting for review and of reported ones, a
/// page per petition with its full text and open reports, and the decisions (approve,
/// reject, take down, dismiss the reports). Instance admins only.
struct ModerationController: Sendable {
    typealias Context = AppRequestContext

    let moderation: Moderation
    let reports: Reports
    let petitions: any PetitionStore
    let organizations: any OrganizationStore
    let catalog: PetitionCatalog
    let presenter: PetitionPresenter
    let forms: AccountPages
    let review: PetitionReview

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/admin/review", use: queue)
        router.get("/admin/petitions/:petition", use: show)
        router.post("/admin/petitions/:petition/approve", use: approve)
        router.post("/admin/petitions/:petition/reject", use: reject)
        router.post("/admin/petitions/:petition/take-down", use: takeDown)
        router.post("/admin/petitions/:petition/dismiss-reports", use: dismissReports)
    }

    static let notices = [
        "approved": "The petition is open. Its organization's owners are told by email.",
        "rejected": "The petition is back in draft. Its organization's owners are told why by email.",
        "taken-down": "The petition is taken down: its address now shows only its title, the date and your reason.",
        "dismissed": "The reports are dismissed.",
    ]

    // MARK: Pages

    @Sendable func queue(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        let pending = try await moderation.pendingReview()
        let reported = try await reports.reportedPetitions()
        var names: [UUID: String] = [:]
        for petition in pending + reported.map(\.petition) {
            guard let id = petition.organizationID, names[id] == nil else { continue }
            names[id] = try await organizations.organization(id: id)?.name
        }
        func organization(of petition: Petition) -> String {
            petition.organizationID.flatMap { names[$0] } ?? "this instance"
        }
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }
        return forms.respond("review-queue", request: request) { csrf in
            let pendingRows = pending.map { petition in
                ReviewQueueView.Pending(
                    petition: PetitionHeading(petition), organization: organization(of: petition), summary: petition.summary,
                    targets: petition.targets.map(TargetView.init), bodyHTML: MarkdownRenderer.html(from: petition.bodyMarkdown),
                    submittedAt: petition.stateChangedAt.map(AuditView.time) ?? "",
                    actions: actions(for: petition, reports: 0, csrf: csrf, from: "queue"))
            }
            let reportedRows = reported.map { entry in
                ReviewQueueView.Reported(
                    petition: PetitionHeading(entry.petition), organization: organization(of: entry.petition), state: entry.petition.state.words,
                    count: entry.reports.count, reasons: ReviewQueueView.ReasonCount.counts(entry.reports),
                    firstAt: AuditView.time(entry.reports[0].createdAt), lastAt: AuditView.time(entry.reports[entry.reports.count - 1].createdAt),
                    actions: actions(for: entry.petition, reports: entry.reports.count, csrf: csrf, from: "queue"))
            }
            return ReviewQueueView(
                page: forms.layout("Moderation", context), notice: notice, reviewRequired: review == .required, pending: pendingRows,
                hasPending: !pendingRows.isEmpty, reported: reportedRows, hasReported: !reportedRows.isEmpty)
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        let petition = try await petition(from: context)
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }
        return try await page(petition, request: request, context: context, status: .ok, notice: notice)
    }

    // MARK: Decisions

    @Sendable func approve(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "approved") { petition, moderator, _ in
            try await moderation.approve(petition, by: moderator)
        }
    }

    @Sendable func reject(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "rejected") { petition, moderator, body in
            try await moderation.reject(petition, reason: body["reason"], by: moderator)
        }
    }

    @Sendable func takeDown(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "taken-down") { petition, moderator, body in
            try await moderation.takeDown(petition, reason: body["reason"], by: moderator)
        }
    }

    @Sendable func dismissReports(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "dismissed") { petition, moderator, _ in
            try await moderation.dismissReports(of: petition, by: moderator)
        }
    }

    /// Who may, then what, then the form's token, then the decision. A reason that is
    /// missing or too long brings the petition's page back with the message; a move its
    /// state does not allow (approved a moment ago by another moderator, say) is a 409 page.
    private func decide(
        _ request: Request, _ context: Context, done: String, _ decision: (Petition, Account, FormBody) async throws -> Void
    ) async throws -> Response {
        let moderator = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        let petition = try await petition(from: context)
        let body = try await forms.form(request, context: context)
        do {
            try await decision(petition, moderator, body)
        } catch let problems as FormProblems {
            return try await page(petition, request: request, context: context, status: .unprocessableContent) { view in
                view.problems = ProblemsView(problems)
                view.reason = String((body["reason"] ?? "").prefix(1_100))
            }
        }
        catalog.forget(petition)
        let back = body["from"] == "queue" ? "/admin/review" : "/admin/petitions/\(petition.slug)"
        return AccountPages.redirect("\(back)?done=\(done)")
    }

    // MARK: Helpers

    private func petition(from context: Context) async throws -> Petition {
        guard let slug = context.parameters.get("petition"), PetitionCatalog.isPlausibleSlug(slug),
            let petition = try await petitions.petition(slug: slug)
        else { throw AppError.notFound("There is no petition at this address.") }
        return petition
    }

    private func actions(for petition: Petition, reports: Int, csrf: String, from: String) -> ModerationActions {
        ModerationActions(
            slug: petition.slug, csrf: csrf, from: from, canReview: petition.state == .pendingReview, canTakeDown: petition.state != .takenDown,
            hasReports: reports > 0)
    }

    private func page(
        _ petition: Petition, request: Request, context: Context, status: HTTPResponse.Status, notice: String? = nil,
        adjust: (inout ModerationPetitionView) -> Void = { _ in }
    ) async throws -> Response {
        var organization: Organization?
        if let id = petition.organizationID { organization = try await organizations.organization(id: id) }
        let openReports = try await reports.open(of: petition)
        let preview = try await presenter.petitionView(petition, withBody: true)
        return forms.respond("moderation-petition", request: request, status: status) { csrf in
            var view = ModerationPetitionView(
                page: forms.layout("Moderation: \(petition.title)", context), notice: notice, problems: ProblemsView(), petition: preview,
                state: petition.state.words, stateReason: petition.stateReason, isTakenDown: petition.state == .takenDown,
                isPublic: petition.isPublic && petition.state != .takenDown, stateChangedAt: petition.stateChangedAt.map(AuditView.time),
                organization: organization?.name, organizationSlug: organization?.slug,
                reports: openReports.map { .init(reason: $0.reason.label, details: $0.details, at: AuditView.time($0.createdAt)) },
                actions: actions(for: petition, reports: openReports.count, csrf: csrf, from: "petition"), reason: "")
            adjust(&view)
            return view
        }
    }
}
