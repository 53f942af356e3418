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

    func addRoutes(to admin: GroupRouter<AdminRoute, Context>) {
        admin.get(.review, use: queue)
        admin.get(AdminRoute.petition, use: show)
        admin.post(AdminRoute.approve, use: approve)
        admin.post(AdminRoute.reject, use: reject)
        admin.post(AdminRoute.takeDown, use: takeDown)
        admin.post(AdminRoute.dismissReports, use: dismissReports)
        admin.post(AdminRoute.approveTranslation, use: approveTranslation)
        admin.post(AdminRoute.rejectTranslation, use: rejectTranslation)
    }

    static let notices: [String: Phrase] = [
        "approved": .moderationNoticeApproved,
        "rejected": .moderationNoticeRejected,
        "taken-down": .moderationNoticeTakenDown,
        "dismissed": .moderationNoticeDismissed,
        "translation-approved": .moderationNoticeTranslationApproved,
        "translation-rejected": .moderationNoticeTranslationRejected,
    ]

    /// The notice after a decision, from the `done` of the address it led to.
    private func notice(_ request: Request, _ words: Translation) -> String? {
        request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }.map { words.text($0) }
    }

    // MARK: Pages

    @Sendable func queue(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        let pending = try await moderation.pendingReview()
        let reported = try await reports.reportedPetitions()
        let translated = try await moderation.translationsAwaitingReview()
        var names: [UUID: String] = [:]
        for petition in pending + reported.map(\.petition) + translated {
            guard let id = petition.organizationID, names[id] == nil else { continue }
            names[id] = try await organizations.organization(id: id)?.name
        }
        let words = forms.words(context)
        func organization(of petition: Petition) -> String {
            petition.organizationID.flatMap { names[$0] } ?? words.text(.reviewThisInstance)
        }
        return forms.respond(.reviewQueue, request: request, context: context) { csrf in
            let pendingRows = pending.map { petition in
                let translations = petition.translationsAwaitingReview.count
                return ReviewQueueView.Pending(
                    petition: PetitionHeading(petition),
                    byLine: words.text(
                        .reviewPendingBy,
                        [
                            "organization": organization(of: petition),
                            "time": petition.stateChangedAt.map(AuditView.time) ?? "",
                        ]),
                    summary: petition.summary,
                    targets: petition.targets.map(TargetView.init),
                    bodyHTML: MarkdownRenderer.html(from: petition.bodyMarkdown),
                    actions: actions(for: petition, reports: 0, csrf: csrf, from: "queue"),
                    image: petition.image.map { ImageView($0, at: AdminRoute.image(petition: petition.slug)) },
                    goalLine: words.counted(.reviewGoal, petition.goal)
                        + (translations == 0 ? "" : " · " + words.counted(.reviewGoalTranslations, translations)))
            }
            let reportedRows = reported.map { entry in
                ReviewQueueView.Reported(
                    petition: PetitionHeading(entry.petition),
                    byLine: words.counted(
                        .reviewReportedBy, entry.reports.count,
                        [
                            "organization": organization(of: entry.petition),
                            "state": words.label(of: entry.petition.state),
                            "first": AuditView.time(entry.reports[0].createdAt),
                            "last": AuditView.time(entry.reports[entry.reports.count - 1].createdAt),
                        ]),
                    reasons: ReviewQueueView.ReasonCount.counts(entry.reports, words: words),
                    actions: actions(for: entry.petition, reports: entry.reports.count, csrf: csrf, from: "queue"))
            }
            let translatedRows = translated.map { petition in
                ReviewQueueView.Translated(
                    petition: PetitionHeading(petition),
                    byLine: words.text(
                        .reviewTranslationsBy,
                        [
                            "organization": organization(of: petition),
                            "languages": petition.translationsAwaitingReview.map {
                                PetitionLanguage.name(of: $0.language)
                            }
                            .joined(separator: ", "),
                        ]))
            }
            return ReviewQueueView(
                page: forms.layout(words.text(.reviewHeading), context), notice: notice(request, words),
                reviewRequired: review == .required,
                pending: pendingRows,
                hasPending: !pendingRows.isEmpty, reported: reportedRows, hasReported: !reportedRows.isEmpty,
                translated: translatedRows,
                hasTranslated: !translatedRows.isEmpty)
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        let petition = try await petition(from: context)
        return try await page(
            petition, request: request, context: context, status: .ok, notice: notice(request, forms.words(context)))
    }

    // MARK: Decisions

    @Sendable func approve(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "approved") { petition, moderator, _ in
            try await moderation.approve(petition, by: moderator)
        }
    }

    @Sendable func reject(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "rejected") { petition, moderator, form in
            try await moderation.reject(petition, reason: form.reason, by: moderator, in: forms.words(context))
        }
    }

    @Sendable func takeDown(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "taken-down") { petition, moderator, form in
            try await moderation.takeDown(petition, reason: form.reason, by: moderator, in: forms.words(context))
        }
    }

    @Sendable func dismissReports(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "dismissed") { petition, moderator, _ in
            try await moderation.dismissReports(of: petition, by: moderator)
        }
    }

    @Sendable func approveTranslation(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "translation-approved") { petition, moderator, _ in
            try await moderation.review(
                translation: try language(from: context), of: petition, approve: true, reason: nil, by: moderator)
        }
    }

    @Sendable func rejectTranslation(_ request: Request, context: Context) async throws -> Response {
        try await decide(request, context, done: "translation-rejected") { petition, moderator, form in
            try await moderation.review(
                translation: try language(from: context), of: petition, approve: false, reason: form.reason,
                by: moderator, in: forms.words(context))
        }
    }

    private func language(from context: Context) throws -> String {
        guard let language = context.parameters.get(.language), PetitionContent.isLanguageTag(language) else {
            throw AppError.notFound(forms.words(context).text(.moderationNoSuchTranslation))
        }
        return language
    }

    /// Who may, then what, then the form's token, then the decision. A reason that is
    /// missing or too long brings the petition's page back with the message; a move its
    /// state does not allow (approved a moment ago by another moderator, say) is a 409 page.
    private func decide(
        _ request: Request, _ context: Context, done: String,
        _ decision: (Petition, Account, DecisionForm) async throws -> Void
    ) async throws -> Response {
        let moderator = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        let petition = try await petition(from: context)
        let form = try await forms.form(DecisionForm.self, request, context: context)
        do {
            try await decision(petition, moderator, form)
        } catch let problems as FormProblems {
            return try await page(petition, request: request, context: context, status: .unprocessableContent) { view in
                view.problems = ProblemsView(problems)
                view.reason = String((form.reason ?? "").prefix(1_100))
            }
        }
        catalog.forget(petition)
        let back = form.from == "queue" ? AdminRoute.review : AdminRoute.petition(slug: petition.slug)
        return AccountPages.redirect(back.path(query: ["done": done]))
    }

    // MARK: Helpers

    private func petition(from context: Context) async throws -> Petition {
        guard let slug = context.parameters.get(.petition), PetitionCatalog.isPlausibleSlug(slug),
            let petition = try await petitions.petition(slug: slug)
        else { throw AppError.noSuchPetition }
        return petition
    }

    private func actions(for petition: Petition, reports: Int, csrf: String, from: String) -> ModerationActions {
        ModerationActions(
            slug: petition.slug, csrf: csrf, from: from, canReview: petition.state == .pendingReview,
            canTakeDown: petition.state != .takenDown,
            hasReports: reports > 0)
    }

    private func page(
        _ petition: Petition, request: Request, context: Context, status: HTTPResponse.Status, notice: String? = nil,
        adjust: (inout ModerationPetitionView) -> Void = { _ in }
    ) async throws -> Response {
        var organization: Organization?
        if let id = petition.organizationID { organization = try await organizations.organization(id: id) }
        let openReports = try await reports.open(of: petition)
        let words = forms.words(context)
        var preview = try await presenter.petitionView(petition, withBody: true, interface: words.language)
        preview.image = petition.image.map { ImageView($0, at: AdminRoute.image(petition: petition.slug)) }
        let state = words.label(of: petition.state)
        return forms.respond(.moderationPetition, request: request, context: context, status: status) { csrf in
            var view = ModerationPetitionView(
                page: forms.layout(words.text(.moderationPageTitle, ["title": petition.title]), context),
                notice: notice, problems: ProblemsView(),
                petition: preview, publicPath: PetitionRoute.page(slug: petition.slug).path,
                responsesPath: AdminRoute.responses(petition: petition.slug).path,
                stateLine: petition.stateChangedAt.map {
                    words.text(.moderationStateSince, ["state": state, "time": AuditView.time($0)])
                } ?? state,
                stateReason: petition.stateReason,
                isTakenDown: petition.state == .takenDown,
                isPublic: petition.isPublic && petition.state != .takenDown,
                organization: organization?.name,
                organizationPath: organization.map { OrganizationRoute.organization(slug: $0.slug).path },
                organizationAuditPath: organization.map { OrganizationRoute.audit(organization: $0.slug).path },
                reports: openReports.map {
                    .init(reason: words.label(of: $0.reason), details: $0.details, at: AuditView.time($0.createdAt))
                },
                actions: actions(for: petition, reports: openReports.count, csrf: csrf, from: "petition"), reason: "",
                translations: petition.translationsAwaitingReview.map { translation in
                    ModerationPetitionView.Translation(
                        approveTranslationPath: AdminRoute.approveTranslation(
                            petition: petition.slug, language: translation.language
                        )
                        .path,
                        rejectTranslationPath: AdminRoute.rejectTranslation(
                            petition: petition.slug, language: translation.language
                        )
                        .path,
                        csrf: csrf, language: translation.language,
                        name: PetitionLanguage.name(of: translation.language),
                        dir: TextDirection.of(language: translation.language), title: translation.title,
                        summary: translation.summary,
                        bodyHTML: MarkdownRenderer.html(from: translation.bodyMarkdown),
                        canDecide: petition.isPublic && petition.state != .takenDown)
                },
                hasTranslations: !petition.translationsAwaitingReview.isEmpty)
            adjust(&view)
            return view
        }
    }
}

/// A moderator's decision: the reason given, when one is, and the page it was taken from.
struct DecisionForm: Decodable {
    var reason: String?
    /// `queue` when taken from the review queue, which is shown again after.
    var from: String?
}
