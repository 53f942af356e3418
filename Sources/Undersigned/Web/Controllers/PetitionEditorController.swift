import Foundation
import Hummingbird

/// The organizers' side of a petition: writing it, submitting it for review, closing it,
/// its image and its amendments.
struct PetitionEditorController: Sendable {
    typealias Context = AppRequestContext

    let editor: PetitionEditor
    let access: PetitionAccess
    let catalog: PetitionCatalog
    let forms: AccountPages
    let review: PetitionReview
    let baseURL: URL

    /// Large enough for the longest text in Arabic, percent-encoded.
    static let formLimit = 512 * 1024
    static let uploadLimit = PetitionImage.byteLimit + 64 * 1024

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/org/:slug/petitions/new", use: newForm)
        router.post("/org/:slug/petitions/new", use: create)
        router.get("/org/:slug/petitions/:petition", use: show)
        router.get("/org/:slug/petitions/:petition/edit", use: editForm)
        router.post("/org/:slug/petitions/:petition/edit", use: save)
        router.post("/org/:slug/petitions/:petition/submit") { try await move(.submit, $0, $1) }
        router.post("/org/:slug/petitions/:petition/withdraw-submission") { try await move(.withdrawSubmission, $0, $1) }
        router.post("/org/:slug/petitions/:petition/close") { try await move(.close, $0, $1) }
        router.post("/org/:slug/petitions/:petition/amendments", use: amend)
        router.get("/org/:slug/petitions/:petition/translation", use: translationForm)
        router.post("/org/:slug/petitions/:petition/translation", use: saveTranslation)
        router.post("/org/:slug/petitions/:petition/translation/remove", use: removeTranslation)
        router.post("/org/:slug/petitions/:petition/image", use: uploadImage)
        router.post("/org/:slug/petitions/:petition/image/remove", use: removeImage)
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.organizations.authorize(.editPetitions, request, context)
        return editorPage(request, context, organization: granted.organization, petition: nil, fields: EditorFields())
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.organizations.authorize(.editPetitions, request, context)
        let form = try await forms.form(request, context: context, upTo: Self.formLimit)
        let fields = EditorFields(form)
        let preview = form["intent"] == "preview"
        switch fields.validated() {
        case .failure(let problems):
            return editorPage(
                request, context, organization: granted.organization, petition: nil, fields: fields, preview: preview,
                problems: ProblemsView(problems), status: preview ? .ok : .unprocessableContent)
        case .success(let content):
            if preview {
                return editorPage(request, context, organization: granted.organization, petition: nil, fields: fields, preview: true)
            }
            let petition = try await editor.create(content, in: granted.organization, by: granted.account)
            return AccountPages.redirect("/org/\(granted.organization.slug)/petitions/\(petition.slug)?done=created")
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewPetitions, request, context)
        let notice = request.uri.queryParameters.get("done").flatMap { Self.notices[$0] }
        return managePage(request, context, granted, notice: notice)
    }

    @Sendable func editForm(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        return editorPage(
            request, context, organization: granted.organization.organization, petition: granted.petition, fields: EditorFields(granted.petition.content))
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let petition = granted.petition
        let form = try await forms.form(request, context: context, upTo: Self.formLimit)
        var fields = EditorFields(form)
        if petition.isTextFrozen {
            // Only the summary and goal can change: the rest is taken as stored, whatever was sent.
            let stored = EditorFields(petition.content)
            fields.title = stored.title
            fields.body = stored.body
            fields.language = stored.language
            fields.targets = stored.targets
        }
        let preview = form["intent"] == "preview"
        let organization = granted.organization.organization
        switch fields.validated() {
        case .failure(let problems):
            return editorPage(
                request, context, organization: organization, petition: petition, fields: fields, preview: preview, problems: ProblemsView(problems),
                status: preview ? .ok : .unprocessableContent)
        case .success(let content):
            if preview {
                return editorPage(request, context, organization: organization, petition: petition, fields: fields, preview: true)
            }
            do {
                try await editor.edit(petition.id, to: content, by: granted.account)
            } catch let refusal as PetitionEditor.Refusal {
                return editorPage(
                    request, context, organization: organization, petition: petition, fields: fields, problems: ProblemsView(notice: refusal.message),
                    status: .conflict)
            }
            catalog.forget(petition)
            return AccountPages.redirect("/org/\(organization.slug)/petitions/\(petition.slug)?done=saved")
        }
    }

    private func move(_ transition: PetitionTransition, _ request: Request, _ context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        _ = try await forms.form(request, context: context)
        let state = try await editor.apply(transition, to: granted.petition.id, reason: nil, by: granted.account)
        catalog.forget(granted.petition)
        return AccountPages.redirect(
            "/org/\(granted.organization.organization.slug)/petitions/\(granted.petition.slug)?done=\(state.rawValue)")
    }

    @Sendable func amend(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(request, context: context, upTo: Self.formLimit)
        do {
            try await editor.amend(granted.petition.id, text: form["amendment"], by: granted.account)
        } catch let problems as FormProblems {
            return managePage(request, context, granted, problems: ProblemsView(problems), status: .unprocessableContent)
        }
        catalog.forget(granted.petition)
        return AccountPages.redirect("/org/\(granted.organization.organization.slug)/petitions/\(granted.petition.slug)?done=amended")
    }

    @Sendable func translationForm(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let petition = granted.petition
        guard let language = request.uri.queryParameters.get("language"), PetitionContent.isLanguageTag(language), language != petition.language
        else { throw AppError.notFound("Choose one of the offered languages to translate the petition into.") }
        let stored = petition.translations.first { $0.language == language }
        return translationPage(
            request, context, granted, stored ?? PetitionTranslation(language: language, title: "", summary: "", bodyMarkdown: ""),
            isStored: stored != nil)
    }

    @Sendable func saveTranslation(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(request, context: context, upTo: Self.formLimit)
        let typed = PetitionTranslation(
            language: form["language"] ?? "", title: form["title"] ?? "", summary: form["summary"] ?? "", bodyMarkdown: form["body"] ?? "")
        let isStored = granted.petition.translations.contains { $0.language == typed.language }
        let preview = form["intent"] == "preview"
        switch PetitionTranslation.validated(language: typed.language, title: typed.title, summary: typed.summary, bodyMarkdown: typed.bodyMarkdown) {
        case .failure(let problems):
            return translationPage(
                request, context, granted, typed, isStored: isStored, preview: preview, problems: ProblemsView(problems),
                status: preview ? .ok : .unprocessableContent)
        case .success(let translation):
            if preview { return translationPage(request, context, granted, typed, isStored: isStored, preview: true) }
            do {
                try await editor.translate(granted.petition.id, translation, by: granted.account)
            } catch let problems as FormProblems {
                return translationPage(request, context, granted, typed, isStored: isStored, problems: ProblemsView(problems), status: .unprocessableContent)
            }
            catalog.forget(granted.petition)
            return AccountPages.redirect("/org/\(granted.organization.organization.slug)/petitions/\(granted.petition.slug)?done=translated")
        }
    }

    @Sendable func removeTranslation(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.form(request, context: context)
        try await editor.removeTranslation(granted.petition.id, language: form["language"] ?? "", by: granted.account)
        catalog.forget(granted.petition)
        return AccountPages.redirect(
            "/org/\(granted.organization.organization.slug)/petitions/\(granted.petition.slug)?done=translation-removed")
    }

    @Sendable func uploadImage(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        let form = try await forms.upload(request, context: context, upTo: Self.uploadLimit)
        let image: PetitionImage
        do {
            image = try PetitionImage.validated(form.files["image"]?.bytes ?? [], altText: form["alt"] ?? "")
        } catch {
            return managePage(
                request, context, granted, problems: ProblemsView(FormProblems(error == .altTextTooLong ? "alt" : "image", Self.message(for: error))),
                status: .unprocessableContent)
        }
        try await editor.setImage(image, of: granted.petition.id, by: granted.account)
        catalog.forget(granted.petition)
        return AccountPages.redirect("/org/\(granted.organization.organization.slug)/petitions/\(granted.petition.slug)?done=image")
    }

    @Sendable func removeImage(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.editPetitions, request, context)
        _ = try await forms.form(request, context: context)
        try await editor.removeImage(of: granted.petition.id, by: granted.account)
        catalog.forget(granted.petition)
        return AccountPages.redirect("/org/\(granted.organization.organization.slug)/petitions/\(granted.petition.slug)?done=image-removed")
    }

    // MARK: Pages

    static let notices = [
        "created": "The draft is saved. Submit it when it is ready.", "saved": "Your changes are saved.",
        "pending_review": "Submitted: a moderator will review it. You will get an email when they have.",
        "open": "The petition is open: people can sign it now.", "draft": "The petition is a draft again.",
        "closed": "The petition is closed: signing has stopped.", "amended": "The amendment is published.", "image": "The image is saved.",
        "image-removed": "The image is removed.", "translated": "The translation is saved.",
        "translation-removed": "The translation is removed.",
    ]

    private func editorPage(
        _ request: Request, _ context: Context, organization: Organization, petition: Petition?, fields: EditorFields, preview: Bool = false,
        problems: ProblemsView = ProblemsView(), status: HTTPResponse.Status = .ok
    ) -> Response {
        let action = petition.map { "/org/\(organization.slug)/petitions/\($0.slug)/edit" } ?? "/org/\(organization.slug)/petitions/new"
        let heading = petition == nil ? "Write a new petition" : "Edit the petition"
        return forms.respond("petition-editor", request: request, status: status) { csrf in
            PetitionEditorView(
                page: forms.layout(heading, context), csrf: csrf, orgSlug: organization.slug, action: action, heading: heading, isNew: petition == nil,
                isFrozen: petition?.isTextFrozen ?? false, fields: fields, preview: preview, problems: problems)
        }
    }

    private func translationPage(
        _ request: Request, _ context: Context, _ granted: PetitionAccess.Granted, _ translation: PetitionTranslation, isStored: Bool,
        preview: Bool = false, problems: ProblemsView = ProblemsView(), status: HTTPResponse.Status = .ok
    ) -> Response {
        forms.respond("translation-editor", request: request, status: status) { csrf in
            TranslationEditorView(
                page: forms.layout("Translate the petition", context), csrf: csrf, orgSlug: granted.organization.organization.slug,
                petition: granted.petition, translation: translation, isStored: isStored, preview: preview, problems: problems)
        }
    }

    private func managePage(
        _ request: Request, _ context: Context, _ granted: PetitionAccess.Granted, notice: String? = nil, problems: ProblemsView = ProblemsView(),
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let petition = granted.petition
        let organization = granted.organization.organization
        let canEdit = granted.allows(.editPetitions)
        let state = petition.state
        return forms.respond("petition-manage", request: request, status: status) { csrf in
            PetitionManageView(
                page: forms.layout(petition.title, context), csrf: csrf, orgSlug: organization.slug, orgName: organization.name, slug: petition.slug,
                title: petition.title, summary: petition.summary, lang: petition.language, dir: TextDirection.of(language: petition.language),
                state: state.label, stateExplanation: Self.explanation(of: state, review: review),
                reason: petition.stateReason, publicURL: petition.isPublic ? "\(baseURL.absoluteString)/p/\(petition.slug)" : nil,
                isPublished: state.hasOpened,
                canDownloadPackage: granted.allows(.exportSignatures) && state.hasOpened,
                bodyHTML: MarkdownRenderer.html(from: petition.bodyMarkdown), targets: petition.targets.map(TargetView.init),
                goal: Numbers.grouped(petition.goal),
                canEdit: canEdit && state.isEditable, canSubmit: canEdit && state == .draft,
                submitLabel: review == .required ? "Submit for review" : "Open it for signatures",
                canWithdrawSubmission: canEdit && state == .pendingReview, canClose: canEdit && state == .open,
                canAmend: canEdit && petition.isTextFrozen && state != .takenDown,
                canChangeImage: canEdit && state.isEditable,
                image: petition.image.map { ImageView($0, slug: petition.slug) }, amendments: petition.amendments.map(AmendmentView.init),
                hasAmendments: !petition.amendments.isEmpty,
                translations: petition.translations.map { translation in
                    LanguageLink(
                        lang: translation.language, name: PetitionLanguage.name(of: translation.language),
                        dir: TextDirection.of(language: translation.language),
                        url: "/org/\(organization.slug)/petitions/\(petition.slug)/translation?language=\(translation.language)", current: false)
                },
                hasTranslations: !petition.translations.isEmpty,
                newLanguages: PetitionEditorView.commonLanguages.filter { !petition.languages.contains($0.tag) }.map {
                    PetitionEditorView.LanguageOption(tag: $0.tag, name: $0.name, selected: false)
                },
                canTranslate: canEdit && state.isEditable, imageLimit: "\(PetitionImage.byteLimit / 1024 / 1024) MB", notice: notice,
                problems: problems, canPostUpdates: canEdit && state.hasOpened,
                canExport: granted.allows(.exportSignatures))
        }
    }

    private static func explanation(of state: PetitionState, review: PetitionReview) -> String {
        switch state {
        case .draft:
            review == .required
                ? "Only your organization sees it. When it is ready, submit it: a moderator reviews it before it opens."
                : "Only your organization sees it. When it is ready, open it for signatures."
        case .pendingReview: "A moderator will read it and open it, or send it back with a reason."
        case .open: "People can sign it. Its title, text and targets are fixed; corrections go in amendments."
        case .closed: "Signing has stopped. Record its delivery to the targets when it is done."
        case .delivered: "It has been delivered to its targets."
        case .takenDown: "A moderator took it down: its page shows the reason, and nothing else."
        }
    }

    private static func message(for problem: PetitionImage.Problem) -> String {
        switch problem {
        case .empty: "Please choose a picture to upload."
        case .tooLarge: "The picture may be at most \(PetitionImage.byteLimit / 1024 / 1024) MB."
        case .unsupported: "The picture must be a PNG, JPEG, WebP or GIF file."
        case .badDimensions: "The picture must be at most 8,000 pixels wide and high."
        case .altTextTooLong: "Please describe the picture in at most 300 characters."
        }
    }
}
