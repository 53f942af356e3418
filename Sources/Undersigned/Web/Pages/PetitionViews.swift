import Foundation

/// What the petition templates show.
struct PetitionView {
    var title: String
    var summary: String
    /// Only the petition page itself shows the body.
    var bodyHTML: String?
    var organizer: String
    /// "A petition by …", in the interface's language.
    var byline: String
    /// The language and direction of the petition's own text, which may differ from the page's.
    var lang: String
    var dir: String
    var targets: [TargetView]
    /// HTML: the count in words (see ``CountWords``).
    var countLine: String
    var goalLine: String
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

    /// - Parameters:
    ///   - language: one of the petition's languages, in which its text is shown.
    ///   - interface: the language of the page around it.
    init(
        _ petition: Petition, baseURL: URL, countLine: String, goalLine: String, percent: String, logLine: String,
        paperLine: String = "", withBody: Bool = false,
        language: String? = nil, interface: InterfaceLanguage
    ) {
        let words = Translations.bundled[interface]
        let text = language.flatMap(petition.text(in:)) ?? petition.originalText
        title = text.title
        summary = text.summary
        bodyHTML = withBody ? MarkdownRenderer.html(from: text.bodyMarkdown) : nil
        organizer = petition.organizer
        byline = words.text(.petitionBy, ["organizer": petition.organizer])
        lang = text.language
        dir = TextDirection.of(language: text.language)
        targets = petition.targets.map(TargetView.init)
        self.countLine = countLine
        self.goalLine = goalLine
        self.percent = percent
        url = PetitionRoute.page(slug: petition.slug).url(on: baseURL)
        path = PetitionRoute.page(slug: petition.slug).path
        signPath = PetitionRoute.page(slug: petition.slug).path(query: [:], fragment: "sign")
        countriesPath = PetitionRoute.countries(slug: petition.slug).path
        receiptPath = PetitionRoute.receipt(slug: petition.slug).path
        reportPath = PetitionRoute.report(slug: petition.slug).path
        isOpen = petition.acceptsSignatures
        stateMessage = Self.message(for: petition.state).map { words.text($0) }
        self.logLine = logLine
        self.paperLine = paperLine
        responses = petition.responses.compactMap { response in
            petition.targets.indices.contains(response.targetPosition)
                ? ResponseView(response, target: petition.targets[response.targetPosition], words: words) : nil
        }
        hasResponses = !responses.isEmpty
        updates = withBody ? petition.updates.map { UpdateView($0, words: words) } : []
        hasUpdates = !updates.isEmpty
        image = petition.image.map { ImageView($0, at: PetitionRoute.image(slug: petition.slug)) }
        amendments = petition.amendments.map { AmendmentView($0, words: words) }
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
        preview = LinkPreview(petition, text: text, baseURL: baseURL, interface: interface)
        share = ShareLinks(url: preview.canonicalURL, title: text.title)
        eventsPath = PetitionRoute.events(slug: petition.slug).path
        flyerPath = PetitionRoute.flyer(slug: petition.slug).path(
            query: text.language == petition.language ? [:] : ["lang": text.language])
    }

    private static func message(for state: PetitionState) -> Phrase? {
        switch state {
        case .open: nil
        case .draft, .pendingReview: .petitionStateNotOpen
        case .closed: .petitionStateClosed
        case .delivered: .petitionStateDelivered
        case .takenDown: .petitionStateTakenDown
        }
    }
}

/// An organizer's update as the petition page shows it.
struct UpdateView {
    var id: String
    var subject: String
    /// "Posted on 3 December 2026".
    var posted: String
    var bodyHTML: String

    init(_ update: PetitionUpdate, words: Translation) {
        id = update.id.text
        subject = update.subject
        posted = words.text(.petitionPostedOn, ["date": words.language.date(update.createdAt)])
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
    /// "Amended on 3 December 2026:".
    var heading: String
    var bodyHTML: String

    init(_ amendment: Amendment, words: Translation) {
        heading = words.text(.petitionAmendedOn, ["date": words.language.date(amendment.createdAt)])
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
    /// The form token's field: the cookie-bound CSRF token's, or the widget's own.
    var tokenField = CSRFProtection.fieldName
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

    /// - Parameters:
    ///   - language: the petition's language the page is read in, kept for the page that answers.
    ///   - interface: the page's own language, in which countries are named.
    init(
        slug: String, language: String? = nil, interface: InterfaceLanguage, csrf: String, proof: ProofFields,
        pages: Pages,
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
        countries = CountryNames.sorted(in: interface).map {
            CountryOption(code: $0.code, name: $0.name, selected: $0.code == chosen)
        }
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

    static func noScriptNotice(in interface: InterfaceLanguage) -> String {
        "<noscript><p class=\"notice\">"
            + HTMLSanitizer.escapeAttribute(Translations.bundled[interface].text(.signNoScript)) + "</p></noscript>"
    }

    static let none = ProofFields(token: "", difficulty: "0", scriptNotice: "")

    init(token: String, difficulty: String, scriptNotice: String) {
        self.token = token
        self.difficulty = difficulty
        self.scriptNotice = scriptNotice
    }

    init(_ challenge: SigningGuard.FormChallenge, interface: InterfaceLanguage) {
        self.init(
            token: challenge.token, difficulty: String(challenge.difficulty),
            scriptNotice: challenge.difficulty > 0 ? Self.noScriptNotice(in: interface) : "")
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
    /// The small-count rule, in words.
    var threshold: String
    var asOf: String

    init(
        page: Layout, petition: PetitionView, snapshot: CountryFigures.Snapshot, threshold: Int,
        interface: InterfaceLanguage
    ) {
        self.page = page
        self.petition = petition
        let words = Translations.bundled[interface]
        rows = snapshot.figures.lines(threshold: threshold, in: words)
        self.threshold = words.text(.countriesRule, ["threshold": interface.number(threshold)])
        let time = interface.dateTime(snapshot.takenAt)
        asOf = words.text(rows.isEmpty ? .countriesNoneAsOf : .countriesAsOf, ["time": time])
    }
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
        /// HTML (see ``CountWords``).
        var countLine: String
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

    init(signature: Signature, name: String, interface: InterfaceLanguage) {
        self.name = name
        country = CountryNames.name(of: signature.country, in: interface)
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
