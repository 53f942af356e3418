import Foundation

/// The updates of a petition as its editors see them, and the form to post one.
struct UpdatesView {
    struct Row {
        var subject: String
        var date: String
        var author: String
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
    var problems = ProblemsView()
    var updates: [Row]
    var hasUpdates: Bool

    init(page: Layout, csrf: String, granted: PetitionAccess.Granted, posted: [PostedUpdate], notice: String?) {
        self.page = page
        self.csrf = csrf
        links = PetitionLinks(organization: granted.organization.organization.slug, petition: granted.petition.slug)
        organizationName = granted.organization.organization.name
        petitionTitle = granted.petition.title
        canPost = granted.petition.state.hasOpened
        closedMessage =
            canPost
            ? nil
            : "Updates go to the people who signed, so they can be posted once the petition is open. This one is \(granted.petition.state.words)."
        self.notice = notice
        updates = posted.map { posted in
            Row(
                subject: posted.update.subject, date: AuditView.time(posted.update.createdAt),
                author: posted.authorName ?? "a former member",
                bodyHTML: MarkdownRenderer.html(from: posted.update.bodyMarkdown),
                emailed: "\(posted.emailFinished ? "Emailed" : "Being emailed") to \(Numbers.grouped(posted.emailed)) "
                    + "\(posted.emailed == 1 ? "signer" : "signers")\(posted.emailFinished ? "" : " so far")")
        }
        hasUpdates = !updates.isEmpty
    }
}
