import Foundation
import Hummingbird
import ServiceLifecycle

/// The public pages of petitions: the list, a petition with its sign form, signing, and the
/// pages that follow.
struct PetitionController<Context: RemoteAddressRequestContext & LanguageRequestContext>: Sendable {
    let catalog: PetitionCatalog
    let counts: SignatureCounts
    let countries: CountryFigures
    let presenter: PetitionPresenter
    let csrf: CSRFProtection
    let signing: FormSigning
    let liveCountDuration: Duration
    let replays: ReplayedAnswers

    private var pages: Pages { presenter.pages }

    func addRoutes(to site: GroupRouter<SiteRoute, Context>, petitions: GroupRouter<PetitionRoute, Context>) {
        site.get(.home, use: home)
        petitions.get(PetitionRoute.page, use: show)
        petitions.post(PetitionRoute.sign, use: sign)
        petitions.get(PetitionRoute.checkEmail, use: checkEmail)
        petitions.get(PetitionRoute.countries, use: countryTable)
        petitions.get(PetitionRoute.flyer, use: flyer)
        petitions.get(PetitionRoute.events, use: liveCount)
    }

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let interface = context.language()
        let words = CountWords(interface)
        var items: [HomeView.Item] = []
        for petition in try await catalog.openPetitions() {
            let count = try await counts.count(for: petition.id)
            let text = petition.text(in: interface.code) ?? petition.originalText
            items.append(
                HomeView.Item(
                    path: PetitionRoute.page(slug: petition.slug).path, title: text.title, summary: text.summary,
                    countLine: words.count(count),
                    lang: text.language, dir: TextDirection.of(language: text.language)))
        }
        let view = HomeView(
            page: presenter.layout(title: words.words.text("home.heading"), interface: interface), petitions: items)
        return pages.response(.home, view, language: interface)
    }

    /// Served from the petition's cached skeleton, its figures filled in once for as long as
    /// they stay the same: per request, only the form token and the proof-of-work challenge.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let interface = context.language(for: petition)
        let language = PetitionLanguage.chosen(for: petition, request: request, interface: interface)
        let session = csrf.session(for: request)
        let figures = try await PetitionFigures.current(
            of: petition.id, counts: counts, paperCounts: presenter.paperCounts, heads: presenter.heads)
        let count = figures.count
        let words = CountWords(interface)
        let skeleton = catalog.skeleton(
            for: petition, language: language, interface: interface, figures: figures
        ) {
            let markers = PageSkeleton.Markers()
            let proof = ProofFields(
                token: markers[.proofToken], difficulty: markers[.proofDifficulty],
                scriptNotice: markers[.proofScriptNotice])
            let view = pageView(
                petition, language: language, interface: interface, countLine: markers[.count],
                goalLine: markers[.goal], percent: markers[.percent], logLine: markers[.logLine],
                paperLine: markers[.paperLine],
                form: SignFormView(
                    slug: petition.slug, language: formLanguage(petition, language), interface: interface,
                    csrf: markers[.csrfToken], proof: proof, pages: pages))
            return PageSkeleton(rendered: pages.render(.petition, view, language: interface), markers: markers)
        } fill: { blank in
            blank.filling { hole in
                switch hole {
                case .count: words.count(count)
                case .goal: words.goal(count: count, organizerGoal: petition.goal)
                case .percent:
                    String(
                        Goal.percent(
                            count: count, goal: Goal.displayed(count: count, organizerGoal: petition.goal)))
                case .logLine: words.log(figures.latestHead)
                case .paperLine: words.paper(figures.paperCount)
                case .csrfToken, .proofToken, .proofDifficulty, .proofScriptNotice: nil
                }
            }
        }
        let proof = ProofFields(signing.signingGuard.challenge(for: petition), interface: interface)
        let token = csrf.token(forCookie: session.cookie)
        let body = skeleton.filled { hole in
            switch hole {
            case .csrfToken: token
            case .proofToken: proof.token
            case .proofDifficulty: proof.difficulty
            case .proofScriptNotice: proof.scriptNotice
            // Filled in the skeleton already.
            case .count, .goal, .percent, .logLine, .paperLine: ""
            }
        }
        var headers = cookieHeaders(session.setCookie)
        headers[.contentLanguage] = interface.code
        var response = pages.htmlResponse(body, headers: headers)
        // While the form asks for no proof, the page serves the next visitors too, each with a token
        // of their own.
        if proof.token.isEmpty {
            replays.offer(&response, visitor: .init(cookie: session.cookie, formToken: token)) {
                [catalog, counts, presenter, signing] in
                catalog.stillShows(
                    petition, with: figures, counts: counts, paperCounts: presenter.paperCounts, heads: presenter.heads)
                    && signing.signingGuard.isCalm
            }
        }
        return response
    }

    /// The defences and the write are ``FormSigning``'s; here, the pages that answer.
    @Sendable func sign(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let interface = context.language(for: petition)
        let outcome = try await signing.submit(
            request, context: context, to: petition, from: .web, interface: interface
        ) {
            csrf.isValid(request, submittedToken: $0[CSRFProtection.fieldName])
        }
        guard case .accepted = outcome else {
            return try await refused(outcome, petition: petition, request: request, interface: interface)
        }
        return .seeOther(PetitionRoute.checkEmail(slug: petition.slug).path)
    }

    /// The form again, with why it was refused. Never inlined into ``sign(_:context:)``: the
    /// frame of that route, which every signature's task holds while its commit is awaited,
    /// took 8,112 bytes with these views in it, and takes 3,760 without.
    @inline(never) private func refused(
        _ outcome: FormSigning.Outcome, petition: Petition, request: Request, interface: InterfaceLanguage
    ) async throws -> Response {
        let words = Translations.bundled[interface]
        let language = PetitionLanguage.chosen(for: petition, request: request, interface: interface)
        let page = FormPage(
            petition: petition, language: language, interface: interface, session: csrf.session(for: request))
        switch outcome {
        case .closed:
            let view = SignFormView(
                slug: petition.slug, language: formLanguage(petition, language), interface: interface, csrf: "",
                proof: .none, pages: pages)
            return try await formPage(page, form: view, status: .conflict)
        case .expiredForm(let form):
            let view = formView(page, form: form, notice: words.text(.signExpiredForm))
            return try await formPage(page, form: view, status: .forbidden)
        case .invalid(let form, let errors):
            let view = formView(page, form: form, errors: errors)
            return try await formPage(page, form: view, status: .unprocessableContent)
        case .proofRefused(let form, let refusal):
            var view = formView(page, form: form, notice: refusal.notice(in: words))
            // The notice says it already.
            if refusal == .needsScript { view.proof.scriptNotice = "" }
            return try await formPage(page, form: view, status: .forbidden)
        case .accepted:
            return .seeOther(PetitionRoute.checkEmail(slug: petition.slug).path)
        }
    }

    @Sendable func checkEmail(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let interface = context.language(for: petition)
        return pages.response(
            .checkEmail, try await presenter.messageView(petition, title: .checkEmailHeading, interface: interface),
            language: interface)
    }

    @Sendable func countryTable(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let interface = context.language(for: petition)
        let language = PetitionLanguage.chosen(for: petition, request: request, interface: interface)
        let view = CountryTableView(
            page: presenter.layout(
                title: Translations.bundled[interface].text(.countriesHeading), for: petition, language: language,
                interface: interface),
            petition: try await presenter.petitionView(petition, language: language, interface: interface),
            snapshot: try await countries.snapshot(for: petition.id), threshold: countries.threshold,
            interface: interface)
        return pages.response(.countries, view, language: interface)
    }

    @Sendable func flyer(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let interface = context.language(for: petition)
        let language = PetitionLanguage.chosen(for: petition, request: request, interface: interface)
        let view = PetitionMessageView(
            page: presenter.layout(
                title: petition.text(in: language)?.title ?? petition.title, for: petition, language: language,
                interface: interface),
            petition: try await presenter.petitionView(petition, language: language, interface: interface))
        return pages.response(.flyer, view, language: interface)
    }

    /// The count as server-sent events: sent when it changes, read from memory at most once a
    /// second, so an open stream costs a sleeping task, however many are open.
    @Sendable func liveCount(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let (counts, id, organizerGoal, duration) = (self.counts, petition.id, petition.goal, liveCountDuration)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 5000\n\n"))
            // A stream ends after a while and the browser opens another, so none outlives a
            // proxy's patience or an instance going away.
            let end = ContinuousClock.now + duration
            var sent: Int?
            var lastWrite = ContinuousClock.now
            do {
                repeat {
                    let count = try await counts.count(for: id)
                    if count != sent {
                        try await writer.write(ByteBuffer(string: Self.countEvent(count, organizerGoal: organizerGoal)))
                        (sent, lastWrite) = (count, .now)
                    } else if ContinuousClock.now - lastWrite > .seconds(20) {
                        // A comment, so that proxies see the stream is alive.
                        try await writer.write(ByteBuffer(string: ": waiting\n\n"))
                        lastWrite = .now
                    }
                    if ContinuousClock.now >= end { break }
                    try await Task.sleep(for: .seconds(1))
                } while !Task.isShuttingDownGracefully
            } catch is CancellationError {}
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                .xAccelBuffering: "no",
            ],
            body: body)
    }

    static func countEvent(_ count: Int, organizerGoal: Int) -> String {
        let goal = Goal.displayed(count: count, organizerGoal: organizerGoal)
        return
            "event: count\ndata: {\"count\":\(count),\"formatted\":\"\(Numbers.grouped(count))\",\"goal\":\"\(Numbers.grouped(goal))\",\"goalCount\":\(goal),\"percent\":\(Goal.percent(count: count, goal: goal))}\n\n"
    }

    // MARK: Helpers

    private func petition(from context: Context) async throws -> Petition {
        // Drafts and petitions waiting for review are seen by their organizers and moderators only.
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.publicPetition(slug: slug)
        else {
            throw AppError.noSuchPetition
        }
        return petition
    }

    /// A petition page answering a submitted form: its languages and the visitor's session.
    private struct FormPage {
        var petition: Petition
        var language: String
        var interface: InterfaceLanguage
        var session: (cookie: String, setCookie: String?)
    }

    /// The form as submitted, with a fresh token and challenge, to be sent again.
    private func formView(
        _ page: FormPage, form: SignatureForm, errors: FormProblems = FormProblems(), notice: String? = nil
    ) -> SignFormView {
        SignFormView(
            slug: page.petition.slug, language: formLanguage(page.petition, page.language), interface: page.interface,
            csrf: csrf.token(forCookie: page.session.cookie),
            proof: ProofFields(signing.signingGuard.challenge(for: page.petition), interface: page.interface),
            pages: pages, submitted: form, errors: errors, notice: notice)
    }

    private func formPage(_ page: FormPage, form: SignFormView, status: HTTPResponse.Status) async throws -> Response {
        let petition = try await presenter.petitionView(
            page.petition, withBody: true, language: page.language, interface: page.interface)
        let view = PetitionPageView(
            page: presenter.layout(
                title: petition.title, for: page.petition, language: page.language, interface: page.interface),
            petition: petition, form: form, liveScriptPath: pages.liveScriptPath)
        return pages.response(
            .petition, view, language: page.interface, status: status, headers: cookieHeaders(page.session.setCookie))
    }

    private func pageView(
        _ petition: Petition, language: String, interface: InterfaceLanguage, countLine: String, goalLine: String,
        percent: String, logLine: String, paperLine: String, form: SignFormView
    ) -> PetitionPageView {
        let view = PetitionView(
            petition, baseURL: presenter.baseURL, countLine: countLine, goalLine: goalLine, percent: percent,
            logLine: logLine, paperLine: paperLine, withBody: true, language: language, interface: interface)
        return PetitionPageView(
            page: presenter.layout(title: view.title, for: petition, language: language, interface: interface),
            petition: view, form: form, liveScriptPath: pages.liveScriptPath)
    }

    /// The language the sign form carries back, when there is a choice of them.
    private func formLanguage(_ petition: Petition, _ language: String) -> String? {
        petition.translations.isEmpty ? nil : language
    }

    private func cookieHeaders(_ setCookie: String?) -> HTTPFields {
        guard let setCookie else { return [:] }
        return [.setCookie: setCookie]
    }
}
