import Foundation

/// The petition editor: the form as stored or as typed, with a preview and what to fix.
struct PetitionEditorView {
    struct LanguageOption {
        var tag: String
        var name: String
        var selected: Bool
    }

    struct TargetRow {
        var index: Int
        var order: Int
        var name: String
        var role: String
        var organization: String
        var contact: String
    }

    var page: Layout
    var csrf: String
    var organizationPath: String
    var action: String
    var heading: String
    var isNew: Bool
    /// Title, text, language and targets are shown but not editable once the petition is open.
    var isFrozen: Bool
    var title: String
    var summary: String
    var body: String
    var goal: String
    var language: String
    var dir: String
    var languages: [LanguageOption]
    var targets: [TargetRow]
    var previewHTML: String?
    /// The preview shows the petition as its public page will: picture, targets and goal too.
    var previewImage: ImageView?
    var previewTargets: [TargetView] = []
    var previewGoal = ""
    var previewNoPicture = ""
    var problems = ProblemsView()

    /// Languages offered in the editor; a petition in another one keeps its own.
    static let commonLanguages: [(tag: String, name: String)] = [
        ("en", "English"), ("fr", "Français"), ("ar", "العربية"), ("es", "Español"), ("de", "Deutsch"),
        ("it", "Italiano"),
        ("pt", "Português"), ("tr", "Türkçe"), ("fa", "فارسی"), ("ku", "Kurdî"), ("ru", "Русский"),
        ("uk", "Українська"), ("zh", "中文"),
    ]

    /// Blank target rows offered for adding targets without JavaScript.
    static let blankTargetRows = 2

    init(
        page: Layout, csrf: String, organizationPath: String, action: String, heading: String, isNew: Bool,
        isFrozen: Bool,
        fields: EditorFields,
        preview: Bool = false, image: ImageView? = nil, problems: ProblemsView = ProblemsView(), words: Translation
    ) {
        self.page = page
        self.csrf = csrf
        self.organizationPath = organizationPath
        self.action = action
        self.heading = heading
        self.isNew = isNew
        self.isFrozen = isFrozen
        title = fields.title
        summary = fields.summary
        body = fields.body
        goal = fields.goal
        language = fields.language
        dir = TextDirection.of(language: fields.language)
        var languages = Self.commonLanguages.map {
            LanguageOption(tag: $0.tag, name: $0.name, selected: $0.tag == fields.language)
        }
        if !languages.contains(where: \.selected), !fields.language.isEmpty {
            languages.append(LanguageOption(tag: fields.language, name: fields.language, selected: true))
        }
        self.languages = languages
        var rows = fields.targets.enumerated().map { index, target in
            TargetRow(
                index: index, order: index + 1, name: target.name, role: target.role, organization: target.organization,
                contact: target.contact ?? "")
        }
        if !isFrozen {
            for _ in 0..<Self.blankTargetRows {
                rows.append(
                    TargetRow(
                        index: rows.count, order: rows.count + 1, name: "", role: "", organization: "", contact: ""))
            }
        }
        targets = rows
        previewHTML = preview ? MarkdownRenderer.html(from: fields.body) : nil
        if preview {
            previewImage = image
            previewTargets = fields.targets.filter { !$0.name.isEmpty }.map(TargetView.init)
            previewGoal =
                Int(fields.goal).map { words.counted(.manageGoalLine, $0) }
                ?? words.text(.editorPreviewGoalText, ["goal": fields.goal])
            previewNoPicture = words.text(isNew ? .editorPreviewNoPictureNew : .editorPreviewNoPicture)
        }
        self.problems = problems
    }
}

/// The editor's fields as text, before they are checked.
struct EditorFields {
    var title = ""
    var summary = ""
    var body = ""
    var goal = "1000"
    var language = "en"
    var targets: [Target] = []

    init() {}

    init(_ content: PetitionContent) {
        title = content.title
        summary = content.summary
        body = content.bodyMarkdown
        goal = String(content.goal)
        language = content.language
        targets = content.targets
    }

    func validated(in words: Translation) -> Result<PetitionContent, FormProblems> {
        PetitionContent.validated(
            title: title, summary: summary, bodyMarkdown: body, language: language, goal: goal, targets: targets,
            in: words)
    }
}

extension EditorFields: Decodable {
    /// Reads the form: target rows are `target-N-name` and so on, ordered by their `order`
    /// field, and dropped when removed or left blank. A number that is not one keeps the
    /// row where it is.
    init(from decoder: any Decoder) throws {
        let form = try decoder.container(keyedBy: FieldName.self)
        func text(_ name: String) throws -> String {
            try form.decodeIfPresent(String.self, forKey: FieldName(name)) ?? ""
        }
        title = try text("title")
        summary = try text("summary")
        body = try text("body")
        goal = try text("goal")
        language = try text("language")
        var rows: [(order: Int, index: Int, target: Target)] = []
        for index in 0..<(PetitionContent.targetLimit + PetitionEditorView.blankTargetRows) {
            let row = "target-\(index)-"
            let name = try text(row + "name")
            let role = try text(row + "role")
            let organization = try text(row + "organization")
            let contact = try text(row + "contact")
            guard !form.contains(FieldName(row + "remove")),
                ![name, role, organization, contact].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty })
            else { continue }
            let order = Int(try text(row + "order").trimmingCharacters(in: .whitespaces)) ?? (index + 1)
            rows.append((order, index, Target(name: name, role: role, organization: organization, contact: contact)))
        }
        targets = rows.sorted { ($0.order, $0.index) < ($1.order, $1.index) }.map(\.target)
    }
}

/// One petition as its organizers manage it: its state, what they may do next, its image
/// and amendments.
struct PetitionManageView {
    var page: Layout
    var csrf: String
    var links: PetitionLinks
    var orgName: String
    var title: String
    var summary: String
    var lang: String
    var dir: String
    var state: String
    var stateExplanation: String
    var reason: String?
    var publicURL: String?
    /// The HTML partner sites paste to embed the widget; only for a public petition.
    var embedSnippet: String?
    /// Open, closed or delivered: what delivery is about.
    var isPublished: Bool
    var canDownloadPackage: Bool
    /// The confirmed signatures as CSV: once there can be some.
    var canExport: Bool
    var bodyHTML: String
    var targets: [TargetView]
    var goal: String
    /// Where the count stands against the goal, once people can sign.
    var goalProgress: String?
    var canEdit: Bool
    var canSubmit: Bool
    var submitLabel: String
    var canWithdrawSubmission: Bool
    var canClose: Bool
    var canAmend: Bool
    var canChangeImage: Bool
    var image: ImageView?
    var amendments: [AmendmentView]
    var hasAmendments: Bool
    var translations: [LanguageLink]
    var hasTranslations: Bool
    /// Languages a translation may still be added in.
    var newLanguages: [PetitionEditorView.LanguageOption]
    var canTranslate: Bool
    /// The upload field's label, with the size limit.
    var imageLabel: String
    var notice: String?
    var problems = ProblemsView()
    var canPostUpdates = false
}

/// A translation of a petition, written beside the original.
struct TranslationEditorView {
    var page: Layout
    var csrf: String
    var links: PetitionLinks
    var language: String
    var languageName: String
    var dir: String
    var title: String
    var summary: String
    var body: String
    var originalTitle: String
    var originalSummary: String
    var originalBodyHTML: String
    var originalLang: String
    var originalDir: String
    /// Stored and signable: shown, not editable.
    var isFrozen: Bool
    var canRemove: Bool
    var previewHTML: String?
    var problems = ProblemsView()

    init(
        page: Layout, csrf: String, organizationSlug: String, petition: Petition, translation: PetitionTranslation,
        isStored: Bool, preview: Bool = false,
        problems: ProblemsView = ProblemsView()
    ) {
        self.page = page
        self.csrf = csrf
        links = PetitionLinks(organization: organizationSlug, petition: petition.slug)
        language = translation.language
        languageName = PetitionLanguage.name(of: translation.language)
        dir = TextDirection.of(language: translation.language)
        title = translation.title
        summary = translation.summary
        body = translation.bodyMarkdown
        originalTitle = petition.title
        originalSummary = petition.summary
        originalBodyHTML = MarkdownRenderer.html(from: petition.bodyMarkdown)
        originalLang = petition.language
        originalDir = TextDirection.of(language: petition.language)
        isFrozen = isStored && petition.isTextFrozen
        canRemove = isStored && !petition.isTextFrozen
        previewHTML = preview ? MarkdownRenderer.html(from: translation.bodyMarkdown) : nil
        self.problems = problems
    }
}

/// The frame partner sites paste into their pages to show a petition's widget.
enum EmbedSnippet {
    static func html(for petition: Petition, baseURL: URL) -> String {
        let source = HTMLSanitizer.escapeAttribute(PetitionRoute.embed(slug: petition.slug).url(on: baseURL))
        // Read on the partner's page, so in the petition's language when the interface has it.
        let words = Translations.bundled[InterfaceLanguage(tag: petition.language) ?? .en]
        let title = HTMLSanitizer.escapeAttribute(words.text(.manageEmbedTitle, ["title": petition.title]))
        return
            #"<iframe src="\#(source)" title="\#(title)" width="100%" height="640" style="border:0" loading="lazy"></iframe>"#
    }
}
