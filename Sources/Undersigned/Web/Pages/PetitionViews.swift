import Foundation

/// What the petition templates show.
struct PetitionView {
    var title: String
    var summary: String
    /// Only the petition page itself shows the body.
    var bodyHTML: String?
    var organizer: String
    var lang: String
    var dir: String
    var targets: [TargetView]
    var count: String
    var goal: String
    var percent: String
    /// Its public address, absolute, to share.
    var url: String
    var path: String
    /// Straight to the sign form.
    var signPath: String
    var countriesPath: String
    var receiptPath: String
    var reportPath: String
    var isOpen: Bool
    var stateMessage: String?
    /// The latest signed tree head of the petition's log, in words.
    var logLine: String
    /// How many of the count were signed on paper, as HTML; empty when none were.
    var paperLine: String
    var responses: [ResponseView]
    /// Stored, not computed: templates read stored properties only.
    var hasResponses: Bool
    /// Only the petition page itself shows the updates.
    var updates: [UpdateView]
    var hasUpdates: Bool
    var image: ImageView?
    var amendments: [AmendmentView]
    var hasAmendments: Bool
    /// The languages it can be read in, for the switcher; empty when it has no translation.
    var languages: [LanguageLink]
    var hasLanguages: Bool
    var preview: LinkPreview
    var share: ShareLinks
    /// The printable flyer, in the language shown.
    var flyerPath: String
    /// The count as server-sent events.
    var eventsPath: String

    /// - Parameter language: one of the petition's languages, in which its text is shown.
    init(
        _ petition: Petition, baseURL: URL, count: String, goal: String, percent: String, logLine: String,
        paperLine: String = "", withBody: Bool = false,
        language: String? = nil
    ) {
        let text = language.flatMap(petition.text(in:)) ?? petition.originalText
        title = text.title
        summary = text.summary
        bodyHTML = withBody ? MarkdownRenderer.html(from: text.bodyMarkdown) : nil
        organizer = petition.organizer
        lang = text.language
        dir = TextDirection.of(language: text.language)
        targets = petition.targets.map(TargetView.init)
        self.count = count
        self.goal = goal
        self.percent = percent
        url = PetitionRoute.page(slug: petition.slug).url(on: baseURL)
        path = PetitionRoute.page(slug: petition.slug).path
        signPath = PetitionRoute.page(slug: petition.slug).path(query: [:], fragment: "sign")
        countriesPath = PetitionRoute.countries(slug: petition.slug).path
        receiptPath = PetitionRoute.receipt(slug: petition.slug).path
        reportPath = PetitionRoute.report(slug: petition.slug).path
        isOpen = petition.acceptsSignatures
        stateMessage = Self.message(for: petition.state)
        self.logLine = logLine
        self.paperLine = paperLine
        responses = petition.responses.compactMap { response in
            petition.targets.indices.contains(response.targetPosition)
                ? ResponseView(response, target: petition.targets[response.targetPosition]) : nil
        }
        hasResponses = !responses.isEmpty
        updates = withBody ? petition.updates.map(UpdateView.init) : []
        hasUpdates = !updates.isEmpty
        image = petition.image.map { ImageView($0, at: PetitionRoute.image(slug: petition.slug)) }
        amendments = petition.amendments.map(AmendmentView.init)
        hasAmendments = !amendments.isEmpty
        languages =
            petition.translations.isEmpty
            ? []
            : petition.languages.map { tag in
                LanguageLink(
                    lang: tag, name: PetitionLanguage.name(of: tag), dir: TextDirection.of(language: tag),
                    url: PetitionRoute.page(slug: petition.slug).path(query: ["lang": tag]),
                    current: tag == text.language)
            }
        hasLanguages = !languages.isEmpty
        preview = LinkPreview(petition, text: text, baseURL: baseURL)
        share = ShareLinks(url: preview.canonicalURL, title: text.title)
        eventsPath = PetitionRoute.events(slug: petition.slug).path
        flyerPath = PetitionRoute.flyer(slug: petition.slug).path(
            query: text.language == petition.language ? [:] : ["lang": text.language])
    }

    /// HTML of this code's own: words and a number.
    static func paperLine(_ count: Int) -> String {
        count > 0 ? #"<br><span class="fine">of which \#(Numbers.grouped(count)) on paper</span>"# : ""
    }

    /// Plain text, safe in a page without escaping: numbers, hex and a date.
    static func logLine(_ head: SignedTreeHead?) -> String {
        guard let head else { return "No signature has been logged yet." }
        let root = head.root.hex
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return
            "Every signature is in a public, signed log: \(Numbers.grouped(Int(head.size))) \(head.size == 1 ? "entry" : "entries") counting "
            + "\(Numbers.grouped(head.count)), root \(root.prefix(12))…\(root.suffix(4)), signed \(formatter.string(from: head.timestamp)) UTC."
    }

    private static func message(for state: PetitionState) -> String? {
        switch state {
        case .open: nil
        case .draft, .pendingReview: "This petition is not open for signatures yet."
        case .closed: "This petition is closed: it no longer accepts signatures. Thank you to everyone who signed."
        case .delivered: "This petition has been delivered to its targets and no longer accepts signatures."
        case .takenDown: "This petition has been taken down."
        }
    }
}

/// An organizer's update as the petition page shows it.
struct UpdateView {
    var id: String
    var subject: String
    var date: String
    var bodyHTML: String

    init(_ update: PetitionUpdate) {
        id = update.id.text
        subject = update.subject
        date = ResponseView.dateFormatter.string(from: update.createdAt)
        bodyHTML = MarkdownRenderer.html(from: update.bodyMarkdown)
    }
}

/// The petition's picture, linked by a versioned address so that it can be cached for good.
struct ImageView {
    var url: String
    var width: Int
    var height: Int
    var alt: String

    /// At `route` (the public one, or the members' or moderators' own), with the digest that
    /// tells a browser a new picture from the old.
    init(_ image: PetitionImage.Reference, at route: some RouteGroup) {
        url = route.path(query: ["v": String(image.digest.prefix(16))])
        width = image.width
        height = image.height
        alt = image.altText
    }
}

struct LanguageLink {
    var lang: String
    var name: String
    var dir: String
    var url: String
    var current: Bool
    /// On organizers' pages: a translation a moderator has not seen yet, so not public.
    var awaitingReview = false
}

struct AmendmentView {
    var date: String
    var bodyHTML: String

    init(_ amendment: Amendment) {
        date = ResponseView.dateFormatter.string(from: amendment.createdAt)
        bodyHTML = MarkdownRenderer.html(from: amendment.bodyMarkdown)
    }
}

struct TargetView {
    var name: String
    var role: String?
    var organization: String?

    init(_ target: Target) {
        name = target.name
        role = target.role.isEmpty ? nil : target.role
        organization = target.organization.isEmpty || target.organization == target.name ? nil : target.organization
    }
}

/// The sign form, empty or as the visitor filled it in, with a message per field to fix.
struct SignFormView {
    var action: String
    var csrf: String
    var proof: ProofFields
    var scriptPath: String
    var workerPath: String
    var name = ""
    var email = ""
    var countries: [CountryOption]
    var showName = false
    var updates = false
    var nameError: String?
    var emailError: String?
    var countryError: String?
    var notice: String?
    /// Stored, not computed: templates see stored properties only.
    var hasErrors: Bool

    struct CountryOption {
        var code: String
        var name: String
        var selected: Bool
    }

    /// - Parameter language: the language the page is read in, kept for the page that answers.
    init(
        slug: String, language: String? = nil, csrf: String, proof: ProofFields, pages: Pages,
        submitted: SignatureForm? = nil,
        errors: FormProblems = FormProblems(), notice: String? = nil
    ) {
        // The fragment brings a phone straight back to the form and its messages.
        let sign = PetitionRoute.sign(slug: slug)
        action =
            language.map { sign.path(query: ["lang": $0], fragment: "sign") } ?? sign.path(query: [:], fragment: "sign")
        self.csrf = csrf
        self.proof = proof
        scriptPath = pages.signScriptPath
        workerPath = pages.proofOfWorkWorkerPath
        let chosen = submitted?.country?.uppercased()
        countries = Country.all.map { CountryOption(code: $0.code, name: $0.name, selected: $0.code == chosen) }
        if let submitted {
            name = submitted.name ?? ""
            email = submitted.email ?? ""
            showName = submitted.showName != nil
            updates = submitted.updates != nil
        }
        nameError = errors["name"]
        emailError = errors["email"]
        countryError = errors["country"]
        self.notice = notice
        hasErrors = !errors.isEmpty || notice != nil
    }
}

/// The proof-of-work fields of the sign form: values, or markers in a page skeleton.
struct ProofFields {
    var token: String
    var difficulty: String
    /// Shown without JavaScript when a proof is needed, before anything is typed in vain.
    var scriptNotice: String

    static let noScriptNotice =
        "<noscript><p class=\"notice\">Many people are signing at the moment, so to keep automated signing out this form "
        + "now needs JavaScript, which is turned off in your browser. Please turn it on, or come back later: when it is "
        + "calmer, the form works without it.</p></noscript>"

    static let none = ProofFields(token: "", difficulty: "0", scriptNotice: "")

    init(token: String, difficulty: String, scriptNotice: String) {
        self.token = token
        self.difficulty = difficulty
        self.scriptNotice = scriptNotice
    }

    init(_ challenge: SigningGuard.FormChallenge) {
        self.init(
            token: challenge.token, difficulty: String(challenge.difficulty),
            scriptNotice: challenge.difficulty > 0 ? Self.noScriptNotice : "")
    }
}

struct PetitionPageView {
    var page: Layout
    var petition: PetitionView
    var form: SignFormView
    /// The script that keeps the count live, from `petition.eventsPath`.
    var liveScriptPath: String
}

struct CountryTableView {
    var page: Layout
    var petition: PetitionView
    var rows: [SmallCounts.Line]
    var hasRows: Bool
    var threshold: Int
    var asOf: String

    init(page: Layout, petition: PetitionView, snapshot: CountryFigures.Snapshot, threshold: Int) {
        self.page = page
        self.petition = petition
        rows = snapshot.figures.lines(threshold: threshold)
        hasRows = !rows.isEmpty
        self.threshold = threshold
        asOf = Self.time(snapshot.takenAt)
    }

    /// "3 December 2026, 12:00 UTC": when a snapshot of the figures was taken.
    static func time(_ date: Date) -> String {
        "\(ResponseView.dateFormatter.string(from: date)), \(timeFormatter.string(from: date)) UTC"
    }

    private static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        return formatter
    }()
}

struct HomeView {
    var page: Layout
    var petitions: [Item]
    var isEmpty: Bool

    init(page: Layout, petitions: [Item]) {
        self.page = page
        self.petitions = petitions
        isEmpty = petitions.isEmpty
    }

    struct Item {
        var path: String
        var title: String
        var summary: String
        var count: String
        var lang: String
        var dir: String
    }
}

/// Check-your-email, confirm, thank-you and similar short pages about one petition.
struct PetitionMessageView {
    var page: Layout
    var petition: PetitionView
    /// Where the page's button posts: the emailed link itself.
    var action: String?
    var csrf: String?
    var share: ShareLinks?
    var notice: String?
    var withdrawURL: String?
    var receiptCode: String?
    var receiptURL: String?
    /// On the confirmation page: what pressing the button will count.
    var signing: SigningDetailsView?
}

struct SigningDetailsView {
    var name: String
    var country: String
    var showName: Bool
    var updates: Bool

    init(signature: Signature, name: String) {
        self.name = name
        country = Country.named(code: signature.country)?.name ?? signature.country
        showName = signature.showNamePublicly
        updates = signature.wantsUpdates
    }
}

/// Plain links to share a petition; no tracking parameters, nothing loaded from those sites.
struct ShareLinks {
    var email: String
    var whatsapp: String
    var telegram: String
    var x: String
    var facebook: String
    var url: String

    init(url: String, title: String) {
        func encoded(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
                ?? ""
        }
        self.url = url
        email = "mailto:?subject=\(encoded(title))&body=\(encoded(url))"
        whatsapp = "https://wa.me/?text=\(encoded(title + " " + url))"
        telegram = "https://t.me/share/url?url=\(encoded(url))&text=\(encoded(title))"
        x = "https://x.com/intent/post?url=\(encoded(url))&text=\(encoded(title))"
        facebook = "https://www.facebook.com/sharer/sharer.php?u=\(encoded(url))"
    }
}
