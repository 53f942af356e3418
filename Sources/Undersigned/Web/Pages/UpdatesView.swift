import Foundation

/// The updates of a petition as its editors see them, and the form to post one.
struct UpdatesView {
    struct Row {
        var subject: String
        /// When and by whom.
        var byline: String
        var bodyHTML: String
        var emailed: String
    }

    var page: Layout
    var csrf: String
    var links: PetitionLinks
    var organizationName: String
    var petitionTitle: String
    /// Why no update can be posted now, when that is so.
    var closedMessage: String?
    var canPost: Bool
    var notice: String?
    var subject = ""
    var body = ""
    var maximumSubjectLength = PetitionUpdates.maximumSubjectLength
    var maximumBodyLength = PetitionUpdates.maximumBodyLength
    var markdownHelp: String
    var problems = ProblemsView()
    var updates: [Row]
    var hasUpdates: Bool

    init(
        page: Layout, csrf: String, granted: PetitionAccess.Granted, posted: [PostedUpdate], notice: String?,
        words: Translation
    ) {
        self.page = page
        self.csrf = csrf
        links = PetitionLinks(organization: granted.organization.organization.slug, petition: granted.petition.slug)
        organizationName = granted.organization.organization.name
        petitionTitle = granted.petition.title
        canPost = granted.petition.state.hasOpened
        closedMessage =
            canPost ? nil : words.text(.updatesClosed, ["state": words.inSentence(state: granted.petition.state)])
        self.notice = notice
        markdownHelp = words.text(.updatesMarkdown, ["limit": words.language.number(PetitionUpdates.maximumBodyLength)])
        updates = posted.map { posted in
            Row(
                subject: posted.update.subject,
                byline: words.text(
                    .updatesRowBy,
                    [
                        "date": AuditView.time(posted.update.createdAt),
                        "author": posted.authorName ?? words.text(.updatesRowFormerMember),
                    ]),
                bodyHTML: MarkdownRenderer.html(from: posted.update.bodyMarkdown),
                emailed: words.counted(posted.emailFinished ? .updatesRowEmailed : .updatesRowEmailing, posted.emailed))
        }
        hasUpdates = !updates.isEmpty
    }
}
