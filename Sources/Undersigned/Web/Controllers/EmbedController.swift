import Foundation
import Hummingbird

/// The widget partner sites put in a frame: a petition's count and its sign form. No cookie
/// of this site reaches it there, so its form carries a token of its own (``EmbedFormTokens``)
/// instead of the cookie-bound one, and nothing it needs is kept in a cookie.
struct EmbedController<Context: RemoteAddressRequestContext & LanguageRequestContext>: Sendable {
    let catalog: PetitionCatalog
    let presenter: PetitionPresenter
    let signing: FormSigning
    let tokens: EmbedFormTokens

    private var pages: Pages { presenter.pages }

    func addRoutes(to petitions: GroupRouter<PetitionRoute, Context>) {
        petitions.get(PetitionRoute.embed, use: show)
        petitions.post(PetitionRoute.embedSign, use: sign)
        petitions.get(PetitionRoute.embedCheckEmail, use: checkEmail)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let widget = try await widget(request, context)
        return try await page(widget, form: formView(widget), status: .ok)
    }

    /// The defences and the write are ``FormSigning``'s, as for the petition page's form; here,
    /// the widget's answers.
    @Sendable func sign(_ request: Request, context: Context) async throws -> Response {
        let widget = try await widget(request, context)
        let outcome = try await signing.submit(
            request, context: context, to: widget.petition, from: .embed, interface: widget.interface
        ) {
            tokens.isValid($0[EmbedFormTokens.fieldName], for: widget.petition.slug)
        }
        guard case .accepted = outcome else { return try await refused(outcome, widget: widget) }
        return .seeOther(
            PetitionRoute.embedCheckEmail(slug: widget.petition.slug).path(query: ["lang": widget.carriedLanguage]))
    }

    /// The widget's form again, with why it was refused: apart from ``sign(_:context:)``, as
    /// the petition page's (``PetitionController``).
    @inline(never) private func refused(_ outcome: FormSigning.Outcome, widget: Widget) async throws -> Response {
        let words = Translations.bundled[widget.interface]
        switch outcome {
        case .closed:
            return try await page(widget, form: nil, status: .conflict)
        case .expiredForm(let form):
            let view = formView(widget, submitted: form, notice: words.text(.embedExpiredForm))
            return try await page(widget, form: view, status: .forbidden)
        case .invalid(let form, let errors):
            return try await page(
                widget, form: formView(widget, submitted: form, errors: errors), status: .unprocessableContent)
        case .proofRefused(let form, let refusal):
            var view = formView(widget, submitted: form, notice: refusal.notice(in: words))
            // The notice says it already.
            if refusal == .needsScript { view.proof.scriptNotice = "" }
            return try await page(widget, form: view, status: .forbidden)
        case .accepted:
            return .seeOther(
                PetitionRoute.embedCheckEmail(slug: widget.petition.slug).path(query: ["lang": widget.carriedLanguage]))
        }
    }

    @Sendable func checkEmail(_ request: Request, context: Context) async throws -> Response {
        try await page(try await widget(request, context), form: nil, sent: true, status: .ok)
    }

    // MARK: Helpers

    /// A petition's widget and the languages it is read in.
    private struct Widget {
        var petition: Petition
        /// One of the petition's languages, the one its text is shown in.
        var language: String
        var interface: InterfaceLanguage

        /// What `?lang=` carries from page to page: the frame has no cookie to remember a choice.
        var carriedLanguage: String {
            petition.translations.isEmpty ? interface.code : language
        }
    }

    private func widget(_ request: Request, _ context: Context) async throws -> Widget {
        // Drafts and petitions waiting for review are not public; taken-down ones show their tombstone.
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.publicPetition(slug: slug)
        else {
            throw AppError.noSuchPetition
        }
        let interface = context.language(for: petition)
        return Widget(
            petition: petition,
            language: PetitionLanguage.chosen(for: petition, request: request, interface: interface),
            interface: interface)
    }

    /// The sign form, empty or as submitted, with a fresh token and proof-of-work challenge.
    private func formView(
        _ widget: Widget, submitted: SignatureForm? = nil, errors: FormProblems = FormProblems(),
        notice: String? = nil
    ) -> SignFormView {
        var view = SignFormView(
            slug: widget.petition.slug, interface: widget.interface, csrf: tokens.token(for: widget.petition.slug),
            proof: ProofFields(signing.signingGuard.challenge(for: widget.petition), interface: widget.interface),
            pages: pages, submitted: submitted, errors: errors, notice: notice)
        view.action = PetitionRoute.embedSign(slug: widget.petition.slug).path(query: ["lang": widget.carriedLanguage])
        view.tokenField = EmbedFormTokens.fieldName
        return view
    }

    private func page(_ widget: Widget, form: SignFormView?, sent: Bool = false, status: HTTPResponse.Status)
        async throws -> Response
    {
        let petition = try await presenter.petitionView(
            widget.petition, language: widget.language, interface: widget.interface)
        let view = EmbedView(
            page: presenter.layout(title: petition.title, interface: widget.interface), petition: petition,
            form: widget.petition.acceptsSignatures ? form : nil, sent: sent, liveScriptPath: pages.liveScriptPath)
        return pages.response(
            .embed, view, language: widget.interface, status: status,
            headers: [.contentLanguage: widget.interface.code])
    }
}
