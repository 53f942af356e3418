import Foundation
import Hummingbird

/// The organizers' side of a petition: writing it, submitting it for review, closing it,
/// its image and its amendments.
struct PetitionEditorController: Sendable {
    typealias Context = AppRequestContext

    let editor: PetitionEditor
    let access: PetitionAccess
    let catalog: PetitionCatalog
    let counts: SignatureCounts
    let forms: AccountPages
    let review: PetitionReview
    let baseURL: URL

    /// Large enough for the longest text in Arabic, percent-encoded.
    static let formLimit = 512 * 1024
    static let uploadLimit = PetitionImage.byteLimit + 64 * 1024

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>) {
        organizers.get(OrganizerRoute.newPetition, use: newForm)
        organizers.post(OrganizerRoute.newPetition, use: create)
        organizers.get(OrganizerRoute.petition, use: show)
        organizers.get(OrganizerRoute.edit, use: editForm)
        organizers.post(OrganizerRoute.edit, use: save)
        organizers.post(OrganizerRoute.submit) { try await move(.submit, $0, $1) }
        organizers.post(OrganizerRoute.withdrawSubmission) { try await move(.withdrawSubmission, $0, $1) }
        organizers.post(OrganizerRoute.close, use: close)
        organizers.post(OrganizerRoute.amendments, use: amend)
        organizers.get(OrganizerRoute.translation, use: translationForm)
        organizers.post(OrganizerRoute.translation, use: saveTranslation)
        organizers.post(OrganizerRoute.removeTranslation, use: removeTranslation)
        organizers.post(OrganizerRoute.image, use: uploadImage)
        organizers.post(OrganizerRoute.removeImage, use: removeImage)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.organizations.authorize(.editPetitions, request, context)
        return editorPage(request, context, organization: granted.organization, petition: nil, fields: EditorFields())
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.organizations.authorize(.editPetitions, request, context)
        let form = try await forms.form(request, context: context, upTo: Self.formLimit)
        let fields = try form.decode(EditorFields.self)
        let preview = try Self.wantsPreview(form, of: fields.body)
        switch fields.validated(in: forms.words(context)) {
        case .failure(let problems):
            return editorPage(
                request, context, organization: granted.organization, petition: nil, fields: fields, preview: preview,
                problems: ProblemsView(problems), status: preview ? .ok : .unprocessableContent)
        case .success(let content):
            if preview {
                return editorPage(
                    request, context, organization: granted.organization, petition: nil, fields: fields, preview: true)
            }
            let petition = try await editor.create(content, in: granted.organization, by: granted.account)
            return AccountPages.redirect(
                OrganizerRoute.petition(organization: granted.organization.slug, petition: petition.slug).path(
                    query: ["done": "created"]))
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewPetitions, request, context)
        let words = forms.words(context)
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }.map { words.text($0) }
        return try await managePage(request, context, granted, notice: notice)
    }

    @Sendable func editForm(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        return editorPage(
            request, context, organization: granted.organization.organization, petition: granted.petition,
            fields: EditorFields(granted.petition.content))
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let petition = granted.petition
        let form = try await forms.form(request, context: context, upTo: Self.formLimit)
        var fields = try form.decode(EditorFields.self)
        if petition.isTextFrozen {
            // Only the summary and goal can change: the rest is taken as stored, whatever was sent.
            let stored = EditorFields(petition.content)
            fields.title = stored.title
            fields.body = stored.body
            fields.language = stored.language
            fields.targets = stored.targets
        }
        let preview = try Self.wantsPreview(form, of: fields.body)
        let organization = granted.organization.organization
        switch fields.validated(in: forms.words(context)) {
        case .failure(let problems):
            return editorPage(
                request, context, organization: organization, petition: petition, fields: fields, preview: preview,
                problems: ProblemsView(problems),
                status: preview ? .ok : .unprocessableContent)
        case .success(let content):
            if preview {
                return editorPage(
                    request, context, organization: organization, petition: petition, fields: fields, preview: true)
            }
            do {
                try await editor.edit(petition.id, to: content, by: granted.account)
            } catch let refusal as PetitionError {
                return editorPage(
                    request, context, organization: organization, petition: petition, fields: fields,
                    problems: ProblemsView(notice: forms.words(context).message(for: refusal)),
                    status: .conflict)
            }
            catalog.forget(petition)
            return AccountPages.redirect(
                OrganizerRoute.petition(organization: organization.slug, petition: petition.slug).path(
                    query: ["done": "saved"]))
        }
    }

    /// A preview is rendered only for a text that could be saved: one over the limit gets its
    /// problem shown and is never parsed, however large the form that carried it.
    private static func wantsPreview(_ form: FormBody, of body: String) throws -> Bool {
        try form.decode(EditorIntentForm.self).intent == "preview" && PetitionContent.fitsBodyLimit(body)
    }

    private func move(_ transition: PetitionTransition, _ request: Request, _ context: Context) async throws -> Response
    {
        let granted = try await access.authorize(.editPetitions, request, context)
        _ = try await forms.form(request, context: context)
        let state = try await editor.apply(transition, to: granted.petition.id, reason: nil, by: granted.account)
        catalog.forget(granted.petition)
        return Self.redirect(granted, done: state.rawValue)
    }

    @Sendable func amend(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(AmendmentForm.self, request, context: context, upTo: Self.formLimit)
        do {
            try await editor.amend(
                granted.petition.id, text: form.amendment, by: granted.account, in: forms.words(context))
        } catch let problems as FormProblems {
            return try await managePage(
                request, context, granted, problems: ProblemsView(problems), status: .unprocessableContent)
        }
        catalog.forget(granted.petition)
        return Self.redirect(granted, done: "amended")
    }

    @Sendable func translationForm(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let petition = granted.petition
        guard let language = request.uri.queryParameters.get("language"), PetitionContent.isLanguageTag(language),
            !PetitionTranslation.isVariant(language, of: petition.language)
        else { throw AppError.notFound(forms.words(context).text(.translationEditorErrorChooseLanguage)) }
        let stored = (petition.translations + petition.translationsAwaitingReview).first { $0.language == language }
        return translationPage(
            request, context, granted,
            stored ?? PetitionTranslation(language: language, title: "", summary: "", bodyMarkdown: ""),
            isStored: stored != nil)
    }

    @Sendable func saveTranslation(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(request, context: context, upTo: Self.formLimit)
        let fields = try form.decode(TranslationForm.self)
        let typed = PetitionTranslation(
            language: fields.language ?? "", title: fields.title ?? "", summary: fields.summary ?? "",
            bodyMarkdown: fields.body ?? "")
        let isStored = (granted.petition.translations + granted.petition.translationsAwaitingReview).contains {
            $0.language == typed.language
        }
        let preview = try Self.wantsPreview(form, of: typed.bodyMarkdown)
        switch PetitionTranslation.validated(
            language: typed.language, title: typed.title, summary: typed.summary, bodyMarkdown: typed.bodyMarkdown,
            in: forms.words(context))
        {
        case .failure(let problems):
            return translationPage(
                request, context, granted, typed, isStored: isStored, preview: preview,
                problems: ProblemsView(problems),
                status: preview ? .ok : .unprocessableContent)
        case .success(let translation):
            if preview { return translationPage(request, context, granted, typed, isStored: isStored, preview: true) }
            do {
                try await editor.translate(
                    granted.petition.id, translation, by: granted.account, in: forms.words(context))
            } catch let problems as FormProblems {
                return translationPage(
                    request, context, granted, typed, isStored: isStored, problems: ProblemsView(problems),
                    status: .unprocessableContent)
            }
            catalog.forget(granted.petition)
            return Self.redirect(granted, done: "translated")
        }
    }

    @Sendable func removeTranslation(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(LanguageForm.self, request, context: context)
        try await editor.removeTranslation(granted.petition.id, language: form.language ?? "", by: granted.account)
        catalog.forget(granted.petition)
        return Self.redirect(granted, done: "translation-removed")
    }

    @Sendable func uploadImage(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.upload(request, context: context, upTo: Self.uploadLimit)
        let fields = try form.decode(ImageForm.self)
        let image: PetitionImage
        do {
            image = try PetitionImage.validated(form.files["image"]?.bytes ?? [], altText: fields.alt ?? "")
        } catch {
            return try await managePage(
                request, context, granted,
                problems: ProblemsView(
                    FormProblems(
                        error == .altTextTooLong ? "alt" : "image", Self.message(for: error, in: forms.words(context)))),
                status: .unprocessableContent)
        }
        try await editor.setImage(image, of: granted.petition.id, by: granted.account)
        catalog.forget(granted.petition)
        return Self.redirect(granted, done: "image")
    }

    @Sendable func removeImage(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        _ = try await forms.form(request, context: context)
        try await editor.removeImage(of: granted.petition.id, by: granted.account)
        catalog.forget(granted.petition)
        return Self.redirect(granted, done: "image-removed")
    }

    /// Back to the petition's page, which says what was done.
    private static func redirect(_ granted: PetitionAccess.Granted, done: String) -> Response {
        AccountPages.redirect(
            OrganizerRoute.petition(
                organization: granted.organization.organization.slug, petition: granted.petition.slug
            )
            .path(query: ["done": done]))
    }

    // MARK: Pages

    static let notices: [String: Phrase] = [
        "created": .manageNoticeCreated, "saved": .manageNoticeSaved, "pending_review": .manageNoticePendingReview,
        "open": .manageNoticeOpen, "draft": .manageNoticeDraft, "closed": .manageNoticeClosed,
        "amended": .manageNoticeAmended, "image": .manageNoticeImage, "image-removed": .manageNoticeImageRemoved,
        "translated": .manageNoticeTranslated, "translation-removed": .manageNoticeTranslationRemoved,
    ]

    private func editorPage(
        _ request: Request, _ context: Context, organization: Organization, petition: Petition?, fields: EditorFields,
        preview: Bool = false,
        problems: ProblemsView = ProblemsView(), status: HTTPResponse.Status = .ok
    ) -> Response {
        let action =
            petition.map { OrganizerRoute.edit(organization: organization.slug, petition: $0.slug).path }
            ?? OrganizerRoute.newPetition(organization: organization.slug).path
        let words = forms.words(context)
        let heading = words.text(petition == nil ? .editorHeadingNew : .editorHeadingEdit)
        return forms.respond(.petitionEditor, request: request, context: context, status: status) { csrf in
            PetitionEditorView(
                page: forms.layout(heading, context), csrf: csrf,
                organizationPath: OrganizationRoute.organization(slug: organization.slug).path, action: action,
                heading: heading, isNew: petition == nil,
                isFrozen: petition?.isTextFrozen ?? false, fields: fields, preview: preview,
                image: petition.flatMap { petition in
                    petition.image.map {
                        ImageView(
                            $0, at: OrganizerRoute.image(organization: organization.slug, petition: petition.slug))
                    }
                },
                problems: problems, words: words)
        }
    }

    private func translationPage(
        _ request: Request, _ context: Context, _ granted: PetitionAccess.Granted, _ translation: PetitionTranslation,
        isStored: Bool,
        preview: Bool = false, problems: ProblemsView = ProblemsView(), status: HTTPResponse.Status = .ok
    ) -> Response {
        forms.respond(.translationEditor, request: request, context: context, status: status) { csrf in
            TranslationEditorView(
                page: forms.layout(forms.words(context).text(.translationEditorPageTitle), context), csrf: csrf,
                organizationSlug: granted.organization.organization.slug,
                petition: granted.petition, translation: translation, isStored: isStored, preview: preview,
                problems: problems)
        }
    }

    /// Closing cannot be undone: the first press shows what it will do, the second does it.
    @Sendable func close(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(request, context: context)
        let petition = granted.petition
        guard ConfirmationStep.isConfirmed(form) else {
            guard petition.state == .open else { throw PetitionError.moveNotAllowed(from: petition.state) }
            let count = try await counts.count(for: petition.id)
            let links = PetitionLinks(organization: granted.organization.organization.slug, petition: petition.slug)
            let graceHours = Int(ConfirmationWindow.graceAfterClosing / 3600)
            let words = forms.words(context)
            let step = ConfirmationStep(
                heading: words.text(.manageCloseConfirmHeading, ["title": petition.title]),
                consequences: [
                    words.text(.manageCloseConfirmStops, ["count": words.counted(.petitionCount, count)]),
                    words.counted(.manageCloseConfirmGrace, graceHours),
                    words.text(.manageCloseConfirmThen),
                ],
                confirmLabel: words.text(.manageCloseConfirmButton), action: links.close, backPath: links.petition,
                backLabel: words.text(.manageCloseConfirmBack))
            return forms.confirmation(step, request: request, context: context)
        }
        let state = try await editor.apply(.close, to: petition.id, reason: nil, by: granted.account)
        catalog.forget(petition)
        return Self.redirect(granted, done: state.rawValue)
    }

    private func managePage(
        _ request: Request, _ context: Context, _ granted: PetitionAccess.Granted, notice: String? = nil,
        problems: ProblemsView = ProblemsView(),
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let petition = granted.petition
        let organization = granted.organization.organization
        let canEdit = granted.allows(.editPetitions)
        let state = petition.state
        let words = forms.words(context)
        let goal = try await goalLines(of: petition, in: words)
        return forms.respond(.petitionManage, request: request, context: context, status: status) { csrf in
            PetitionManageView(
                page: forms.layout(petition.title, context), csrf: csrf,
                links: PetitionLinks(organization: organization.slug, petition: petition.slug),
                orgName: organization.name,
                title: petition.title, summary: petition.summary, lang: petition.language,
                dir: TextDirection.of(language: petition.language),
                state: words.label(of: state),
                stateExplanation: words.text(Self.explanation(of: state, review: review)),
                reason: petition.stateReason,
                publicURL: petition.isPublic ? PetitionRoute.page(slug: petition.slug).url(on: baseURL) : nil,
                embedSnippet: petition.isPublic ? EmbedSnippet.html(for: petition, baseURL: baseURL) : nil,
                isPublished: state.hasOpened,
                canDownloadPackage: granted.allows(.exportSignatures) && state.hasOpened,
                canExport: granted.allows(.exportSignatures) && state.hasOpened,
                bodyHTML: MarkdownRenderer.html(from: petition.bodyMarkdown),
                targets: petition.targets.map(TargetView.init),
                goal: goal.goal, goalProgress: goal.progress,
                canEdit: canEdit && state.isEditable, canSubmit: canEdit && state == .draft,
                submitLabel: words.text(review == .required ? .manageSubmitReview : .manageSubmitOpen),
                canWithdrawSubmission: canEdit && state == .pendingReview, canClose: canEdit && state == .open,
                canAmend: canEdit && petition.isTextFrozen && state != .takenDown,
                canChangeImage: canEdit && state.isEditable,
                image: petition.image.map {
                    ImageView($0, at: OrganizerRoute.image(organization: organization.slug, petition: petition.slug))
                },
                amendments: petition.amendments.map { AmendmentView($0, words: words) },
                hasAmendments: !petition.amendments.isEmpty,
                translations: (petition.translations.map { ($0, false) }
                    + petition.translationsAwaitingReview.map { ($0, true) })
                    .map { translation, awaiting in
                        LanguageLink(
                            lang: translation.language, name: PetitionLanguage.name(of: translation.language),
                            dir: TextDirection.of(language: translation.language),
                            url: OrganizerRoute.translation(organization: organization.slug, petition: petition.slug)
                                .path(query: ["language": translation.language]),
                            current: false,
                            awaitingReview: awaiting && petition.isPublic)
                    },
                hasTranslations: !(petition.translations.isEmpty && petition.translationsAwaitingReview.isEmpty),
                newLanguages: PetitionEditorView.commonLanguages.filter { option in
                    !PetitionTranslation.isVariant(option.tag, of: petition.language)
                        && !(petition.translations + petition.translationsAwaitingReview).contains {
                            $0.language == option.tag
                        }
                }.map {
                    PetitionEditorView.LanguageOption(tag: $0.tag, name: $0.name, selected: false)
                },
                canTranslate: canEdit && state.isEditable,
                imageLabel: words.text(.manageImageLabel, ["limit": Self.imageLimit(in: words)]),
                notice: notice,
                problems: problems, canPostUpdates: canEdit && state.hasOpened)
        }
    }

    /// The goal as the organizers set it, and, once people can sign, where the count stands
    /// against it: past the goal, the public page and the API show the next milestone, and
    /// this says which, so that the team reads the same number the public does.
    private func goalLines(of petition: Petition, in words: Translation) async throws
        -> (goal: String, progress: String?)
    {
        let goal = words.counted(.manageGoalLine, petition.goal)
        guard petition.state.hasOpened else { return (goal, nil) }
        let count = try await counts.count(for: petition.id)
        let confirmed = words.counted(.petitionCount, count)
        guard count >= petition.goal else {
            let percent = words.language.number(Goal.percent(count: count, goal: petition.goal))
            return (goal, words.text(.manageGoalProgress, ["confirmed": confirmed, "percent": percent]))
        }
        let milestone = Goal.displayed(count: count, organizerGoal: petition.goal)
        return (goal, words.counted(.manageGoalReached, milestone, ["confirmed": confirmed]))
    }

    private static func explanation(of state: PetitionState, review: PetitionReview) -> Phrase {
        switch state {
        case .draft: review == .required ? .manageExplainDraftReview : .manageExplainDraftOpen
        case .pendingReview: .manageExplainPendingReview
        case .open: .manageExplainOpen
        case .closed: .manageExplainClosed
        case .delivered: .manageExplainDelivered
        case .takenDown: .manageExplainTakenDown
        }
    }

    /// The largest picture, in megabytes.
    private static func imageLimit(in words: Translation) -> String {
        words.text(.manageImageMegabytes, ["count": words.language.number(PetitionImage.byteLimit / 1024 / 1024)])
    }

    private static func message(for problem: PetitionImage.Problem, in words: Translation) -> String {
        switch problem {
        case .empty: words.text(.manageImageErrorEmpty)
        case .tooLarge: words.text(.manageImageErrorTooLarge, ["limit": imageLimit(in: words)])
        case .unsupported: words.text(.manageImageErrorUnsupported)
        case .badDimensions: words.text(.manageImageErrorDimensions, ["limit": words.language.number(8_000)])
        case .altTextTooLong: words.text(.manageImageErrorAltTooLong, ["limit": words.language.number(300)])
        }
    }
}

/// Which of the editor's buttons was pressed: `preview` shows the text as it will read.
struct EditorIntentForm: Decodable {
    var intent: String?
}

/// An amendment to a petition whose text is fixed.
struct AmendmentForm: Decodable {
    var amendment: String?
}

/// A translation of the petition's text.
struct TranslationForm: Decodable {
    var language: String?
    var title: String?
    var summary: String?
    var body: String?
}

/// The language of the translation to remove.
struct LanguageForm: Decodable {
    var language: String?
}

/// The picture's description, beside its file.
struct ImageForm: Decodable {
    var alt: String?
}
