import Foundation
import Hummingbird

/// Visitors report a petition to the moderators: a form without JavaScript or account,
/// limited per client address like signing, and nothing kept of who sent it.
struct ReportController<Context: RemoteAddressRequestContext & LanguageRequestContext>: Sendable {
    let catalog: PetitionCatalog
    let reports: Reports
    let presenter: PetitionPresenter
    let csrf: CSRFProtection
    let limits: AddressLimits

    func addRoutes(to petitions: GroupRouter<PetitionRoute, Context>) {
        petitions.get(PetitionRoute.report, use: form)
        petitions.post(PetitionRoute.report, use: report)
        petitions.get(PetitionRoute.reportThanks, use: thanks)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        return formPage(petition, request: request, context: context, status: .ok) { _ in }
    }

    /// The limit is taken before the body is read.
    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        try limits.admit(peer: context.remoteAddress, headers: request.headers)
        let body = try await FormBody.read(request, context: context)
        let form = try body.decode(ReportForm.self)
        let typed = { (view: inout ReportFormView) in
            view.select(form.reason)
            view.details = String((form.details ?? "").prefix(Reports.detailsLimit + 100))
        }
        guard csrf.isValid(request, submittedToken: body[CSRFProtection.fieldName]) else {
            return formPage(petition, request: request, context: context, status: .forbidden) { view in
                typed(&view)
                view.problems = ProblemsView(
                    notice: Translations.bundled[context.language(for: petition)].text(.problemExpiredFormDetail))
            }
        }
        do {
            try await reports.submit(
                about: petition, reason: form.reason, details: form.details,
                in: Translations.bundled[context.language(for: petition)])
        } catch let problems as FormProblems {
            return formPage(petition, request: request, context: context, status: .unprocessableContent) { view in
                typed(&view)
                view.problems = ProblemsView(problems)
            }
        }
        return .seeOther(PetitionRoute.reportThanks(slug: petition.slug).path, headers: [.cacheControl: "no-store"])
    }

    @Sendable func thanks(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let interface = context.language(for: petition)
        let view = ReportThanksView(
            page: presenter.layout(
                title: Translations.bundled[interface].text(.reportThanksHeading), interface: interface),
            petition: PetitionHeading(petition))
        return presenter.pages.response(.reportThanks, view, language: interface, headers: [.xRobotsTag: "noindex"])
    }

    private func petition(from context: Context) async throws -> Petition {
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.publicPetition(slug: slug)
        else {
            throw AppError.noSuchPetition
        }
        return petition
    }

    private func formPage(
        _ petition: Petition, request: Request, context: Context, status: HTTPResponse.Status,
        adjust: (inout ReportFormView) -> Void
    ) -> Response {
        let session = csrf.session(for: request)
        let interface = context.language(for: petition)
        var view = ReportFormView(
            page: presenter.layout(title: Translations.bundled[interface].text(.reportHeading), interface: interface),
            petition: PetitionHeading(petition), csrf: csrf.token(forCookie: session.cookie),
            reportPath: PetitionRoute.report(slug: petition.slug).path, interface: interface)
        adjust(&view)
        var headers: HTTPFields = [.xRobotsTag: "noindex", .cacheControl: "no-store"]
        if let setCookie = session.setCookie { headers[.setCookie] = setCookie }
        return presenter.pages.response(.report, view, language: interface, status: status, headers: headers)
    }
}

/// A visitor's report of a petition: one of the reasons offered, and what they add.
struct ReportForm: Decodable {
    var reason: String?
    var details: String?
}
