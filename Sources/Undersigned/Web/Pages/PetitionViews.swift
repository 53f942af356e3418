import Foundation

/// What the petition templates show.
struct PetitionView {
    var slug: String
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
    var url: String
    var isOpen: Bool
    var stateMessage: String?
    /// The latest signed tree head of the petition's log, in words.
    var logLine: String
    var responses: [ResponseView]
    /// Stored, not computed: templates read stored properties only.
    var hasResponses: Bool
    var image: ImageView?
    var amendments: [AmendmentView]
    var hasAmendments: Bool
    /// The languages it can be read in, for the switcher; empty when it has no translation.
    var languages: [LanguageLink]
    var hasLanguages: Bool

    /// - Parameter language: one of the petition's languages, in which its text is shown.
    init(
        _ petition: Petition, baseURL: URL, count: String, goal: String, percent: String, logLine: String, withBody: Bool = false,
        language: String? = nil
    ) {
        let text = language.flatMap(petition.text(in:)) ?? petition.text(in: petition.language)!
        slug = petition.slug
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
        url = "\(baseURL.absoluteString)/p/\(petition.slug)"
        isOpen = petition.acceptsSignatures
        stateMessage = Self.message(for: petition.state)
        self.logLine = logLine
        responses = petition.responses.compactMap { response in
            petition.targets.indices.contains(response.targetPosition) ? ResponseView(response, target: petition.targets[response.targetPosition]) : nil
        }
        hasResponses = !responses.isEmpty
        image = petition.image.map { ImageView($0, slug: petition.slug) }
        amendments = petition.amendments.map(AmendmentView.init)
        hasAmendments = !amendments.isEmpty
        languages = petition.translations.isEmpty ? [] : petition.languages.map { tag in
            LanguageLink(
                lang: tag, name: PetitionLanguage.name(of: tag), dir: TextDirection.of(language: tag), url: "/p/\(petition.slug)?lang=\(tag)",
                current: tag == text.language)
        }
        hasLanguages = !languages.isEmpty
    }

    /// Plain text, safe in a page without escaping: numbers, hex and a date.
    static func logLine(_ head: SignedTreeHead?) -> String {
        guard let head else { return "No signature has been logged yet." }
        let root = head.root.hex
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return "Every signature is in a public, signed log: \(Numbers.grouped(Int(head.size))) \(head.size == 1 ? "entry" : "entries") counting "
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

/// The petition's picture, linked by a versioned address so that it can be cached for good.
struct ImageView {
    var url: String
    var width: Int
    var height: Int
    var alt: String

    init(_ image: PetitionImage.Reference, slug: String) {
        url = "/p/\(slug)/image?v=\(image.digest.prefix(16))"
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
        slug: String, language: String? = nil, csrf: String, proof: ProofFields, pages: Pages, submitted: SignatureForm? = nil,
        errors: FieldErrors = FieldErrors(), notice: String? = nil
    ) {
        // The fragment brings a phone straight back to the form and its messages.
        action = "/p/\(slug)/sign" + (language.map { "?lang=\($0)" } ?? "") + "#sign"
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
        nameError = errors[.name]
        emailError = errors[.email]
        countryError = errors[.country]
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
}

struct CountryTableView {
    var page: Layout
    var petition: PetitionView
    var rows: [Row]
    var threshold: Int
    var hasComplementary: Bool

    struct Row {
        var name: String
        var figure: String
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
        var slug: String
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
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        }
        self.url = url
        email = "mailto:?subject=\(encoded(title))&body=\(encoded(url))"
        whatsapp = "https://wa.me/?text=\(encoded(title + " " + url))"
        telegram = "https://t.me/share/url?url=\(encoded(url))&text=\(encoded(title))"
        x = "https://x.com/intent/post?url=\(encoded(url))&text=\(encoded(title))"
        facebook = "https://www.facebook.com/sharer/sharer.php?u=\(encoded(url))"
    }
}
