import Foundation
import Hummingbird
import ServiceLifecycle

/// The public pages of petitions: the list, a petition with its sign form, signing, and the
/// pages that follow.
struct PetitionController<Context: RemoteAddressRequestContext>: Sendable {
    let catalog: PetitionCatalog
    let counts: SignatureCounts
    let countries: CountryFigures
    let presenter: PetitionPresenter
    let csrf: CSRFProtection
    let writer: SignatureWriter
    let fingerprinter: EmailFingerprinter
    let sealer: PersonalDataSealer
    let signingGuard: SigningGuard
    let liveCountDuration: Duration

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
        var items: [HomeView.Item] = []
        for petition in try await catalog.openPetitions() {
            let count = try await counts.count(for: petition.id)
            items.append(
                HomeView.Item(
                    path: PetitionRoute.page(slug: petition.slug).path, title: petition.title,
                    summary: petition.summary,
                    count: Numbers.grouped(count),
                    lang: petition.language, dir: TextDirection.of(language: petition.language)))
        }
        let view = HomeView(page: presenter.layout(title: "Petitions"), petitions: items)
        return pages.response(.home, view)
    }

    /// Served from the petition's cached skeleton: only the count, the form token and the
    /// proof-of-work challenge change.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let language = PetitionLanguage.chosen(for: petition, request: request)
        let session = csrf.session(for: request)
        let count = try await counts.count(for: petition.id)
        let goal = Goal.displayed(count: count, organizerGoal: petition.goal)
        let skeleton = catalog.skeleton(for: petition, language: language) {
            let markers = PageSkeleton.Markers()
            let proof = ProofFields(
                token: markers[.proofToken], difficulty: markers[.proofDifficulty],
                scriptNotice: markers[.proofScriptNotice])
            let view = pageView(
                petition, language: language, count: markers[.count], goal: markers[.goal], percent: markers[.percent],
                logLine: markers[.logLine], paperLine: markers[.paperLine],
                form: SignFormView(
                    slug: petition.slug, language: formLanguage(petition, language), csrf: markers[.csrfToken],
                    proof: proof, pages: pages))
            return PageSkeleton(rendered: pages.render(.petition, view), markers: markers)
        }
        let proof = ProofFields(signingGuard.challenge(for: petition))
        let logLine = try await presenter.heads.published(for: petition.id).logLine
        let paperLine = PetitionView.paperLine(try await presenter.paperCounts.count(for: petition.id))
        let token = csrf.token(forCookie: session.cookie)
        let body = skeleton.filled { hole in
            switch hole {
            case .count: Numbers.grouped(count)
            case .goal: Numbers.grouped(goal)
            case .percent: String(Goal.percent(count: count, goal: goal))
            case .csrfToken: token
            case .proofToken: proof.token
            case .proofDifficulty: proof.difficulty
            case .proofScriptNotice: proof.scriptNotice
            case .logLine: logLine
            case .paperLine: paperLine
            }
        }
        var headers = cookieHeaders(session.setCookie)
        if !petition.translations.isEmpty {
            headers[.contentLanguage] = language
            headers[.vary] = "Accept-Language"
        }
        return pages.htmlResponse(body, headers: headers)
    }

    /// Abuse defences come first and cheapest: the client's rate limits before the body is
    /// read, the proof of work once the form is known to be valid, the mailbox's email limit
    /// last.
    @Sendable func sign(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        try signingGuard.admit(peer: context.remoteAddress, headers: request.headers)
        let body = try await FormBody.read(request, context: context)
        let form = try body.decode(SignatureForm.self)
        let session = csrf.session(for: request)
        let language = PetitionLanguage.chosen(for: petition, request: request)
        guard petition.acceptsSignatures else {
            let view = SignFormView(
                slug: petition.slug, language: formLanguage(petition, language), csrf: "", proof: .none, pages: pages)
            return try await formPage(petition, language: language, form: view, status: .conflict, session: session)
        }
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else {
            let notice =
                "For your safety this form has expired. Please check your details and press Sign again. (Cookies must be allowed for this site.)"
            let view = formView(petition, language: language, session: session, form: form, notice: notice)
            return try await formPage(petition, language: language, form: view, status: .forbidden, session: session)
        }
        switch form.validated(disposableDomains: signingGuard.disposableDomains) {
        case .failure(let errors):
            let view = formView(petition, language: language, session: session, form: form, errors: errors)
            return try await formPage(
                petition, language: language, form: view, status: .unprocessableContent, session: session)
        case .success(let signing):
            let proof = try body.decode(ProofOfWorkForm.self)
            if let refusal = try await signingGuard.redeemProof(
                token: proof.pow, solution: proof.powSolution, for: petition)
            {
                var view = formView(petition, language: language, session: session, form: form, notice: refusal.notice)
                // The notice says it already.
                if refusal == .needsScript { view.proof.scriptNotice = "" }
                return try await formPage(
                    petition, language: language, form: view, status: .forbidden, session: session)
            }
            let job = try SignatureWriter.SigningJob(
                signing, on: petition, fingerprinter: fingerprinter, sealer: sealer, at: writer.clock.now)
            // Past the mailbox's limit the answer is the same, but nothing is stored or sent.
            if signingGuard.allowsEmail(to: job.signature.emailFingerprint) {
                _ = try await writer.sign(job)
            }
            return .seeOther(PetitionRoute.checkEmail(slug: petition.slug).path)
        }
    }

    @Sendable func checkEmail(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        return pages.response(.checkEmail, try await presenter.messageView(petition, title: "Check your email"))
    }

    @Sendable func countryTable(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let view = CountryTableView(
            page: presenter.layout(title: "Signatures by country", for: petition),
            petition: try await presenter.petitionView(petition),
            snapshot: try await countries.snapshot(for: petition.id), threshold: countries.threshold)
        return pages.response(.countries, view)
    }

    @Sendable func flyer(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let language = PetitionLanguage.chosen(for: petition, request: request)
        let view = PetitionMessageView(
            page: presenter.layout(
                title: petition.text(in: language)?.title ?? petition.title, for: petition, language: language),
            petition: try await presenter.petitionView(petition, language: language))
        return pages.response(.flyer, view)
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
            "event: count\ndata: {\"count\":\(count),\"formatted\":\"\(Numbers.grouped(count))\",\"goal\":\"\(Numbers.grouped(goal))\",\"percent\":\(Goal.percent(count: count, goal: goal))}\n\n"
    }

    // MARK: Helpers

    private func petition(from context: Context) async throws -> Petition {
        // Drafts and petitions waiting for review are seen by their organizers and moderators only.
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.publicPetition(slug: slug)
        else {
            throw AppError.notFound("There is no petition at this address. It may have been mistyped.")
        }
        return petition
    }

    /// The form as submitted, with a fresh token and challenge, to be sent again.
    private func formView(
        _ petition: Petition, language: String, session: (cookie: String, setCookie: String?), form: SignatureForm,
        errors: FormProblems = FormProblems(), notice: String? = nil
    ) -> SignFormView {
        SignFormView(
            slug: petition.slug, language: formLanguage(petition, language),
            csrf: csrf.token(forCookie: session.cookie), proof: ProofFields(signingGuard.challenge(for: petition)),
            pages: pages, submitted: form, errors: errors, notice: notice)
    }

    private func formPage(
        _ petition: Petition, language: String, form: SignFormView, status: HTTPResponse.Status,
        session: (cookie: String, setCookie: String?)
    ) async throws -> Response {
        let view = PetitionPageView(
            page: presenter.layout(title: petition.title, for: petition, language: language),
            petition: try await presenter.petitionView(petition, withBody: true, language: language), form: form,
            liveScriptPath: pages.liveScriptPath)
        return pages.response(.petition, view, status: status, headers: cookieHeaders(session.setCookie))
    }

    private func pageView(
        _ petition: Petition, language: String, count: String, goal: String, percent: String, logLine: String,
        paperLine: String, form: SignFormView
    ) -> PetitionPageView {
        let view = PetitionView(
            petition, baseURL: presenter.baseURL, count: count, goal: goal, percent: percent, logLine: logLine,
            paperLine: paperLine, withBody: true, language: language)
        return PetitionPageView(
            page: presenter.layout(title: view.title, for: petition, language: language), petition: view, form: form,
            liveScriptPath: pages.liveScriptPath)
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

/// The sign form's proof of work, as its script fills it in.
struct ProofOfWorkForm: Decodable {
    var pow: String?
    var powSolution: String?
}
