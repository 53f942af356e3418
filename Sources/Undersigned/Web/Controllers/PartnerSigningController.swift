import Foundation
import HTTPTypes
import Hummingbird

/// Partner sites submit signatures to their organization's petitions with a key the owners
/// made. A signature sent this way is a request to sign like the form's: the signer confirms
/// it from the email, every limit applies (the key's instead of a network address's), and the
/// answer says nothing of whether the address had signed. A key reads nothing.
struct PartnerSigningController<Context: LanguageRequestContext>: Sendable {
    let catalog: PetitionCatalog
    let partnerKeys: PartnerKeys
    let signingGuard: SigningGuard
    let writer: SignatureWriter
    let fingerprinter: EmailFingerprinter
    let sealer: PersonalDataSealer

    func addRoutes(to api: GroupRouter<APIRoute, Context>) {
        api.post(APIRoute.signatures, use: submit)
    }

    struct Submission: Decodable {
        var name: String?
        var email: String?
        var country: String?
        var showName: Bool?
        var updates: Bool?
        /// The signer's language for their emails: `en`, `fr` or `ar`.
        var language: String?
    }

    struct Accepted: Encodable {
        var status = "confirmation-sent"
        var detail: String
    }

    @Sendable func submit(_ request: Request, context: Context) async throws -> Response {
        guard let presented = Self.bearer(request.headers[.authorization]),
            let key = try await partnerKeys.authenticate(presented)
        else {
            var response = ErrorResponses.problemResponse(.partnerKeyRequired, language: context.language())
            response.headers[.wwwAuthenticate] = #"Bearer realm="undersigned""#
            response.headers[.cacheControl] = "no-store"
            return response
        }
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.publicPetition(slug: slug)
        else { throw AppError.noSuchPetition }
        guard petition.organizationID == key.organizationID else { throw AppError.otherOrganizationsPetition }
        guard petition.acceptsSignatures else { throw AppError.notAcceptingSignatures }
        try signingGuard.admit(partnerKey: key.id)
        let submission = try await request.decode(as: Submission.self, context: context)
        let language = submission.language.flatMap(InterfaceLanguage.init(tag:)) ?? context.language(for: petition)
        let form = SignatureForm(
            name: submission.name, email: submission.email, country: submission.country,
            showName: submission.showName == true ? "on" : nil, updates: submission.updates == true ? "on" : nil)
        switch form.validated(disposableDomains: signingGuard.disposableDomains, in: Translations.bundled[language]) {
        case .failure(let problems):
            throw problems
        case .success(var signing):
            signing.source = .api
            let job = try SignatureWriter.SigningJob(
                signing, on: petition, fingerprinter: fingerprinter, sealer: sealer, at: writer.clock.now)
            // Past the mailbox's limit the answer is the same, but nothing is stored or sent.
            if signingGuard.allowsEmail(to: job.signature.emailFingerprint) {
                _ = try await writer.sign(job)
            }
            let body = try JSONEncoder().encode(
                Accepted(detail: Translations.bundled[context.language()].text(.apiAcceptedDetail)))
            return Response(
                status: .accepted, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// The token of an `Authorization: Bearer …` header.
    static func bearer(_ header: String?) -> String? {
        guard let header, header.utf8.count <= 200 else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}

extension AppError {
    static let partnerKeyRequired = AppError(
        status: .unauthorized,
        ProblemWords(title: .problemPartnerKeyRequiredTitle, detail: .problemPartnerKeyRequiredDetail))

    static let otherOrganizationsPetition = AppError(
        status: .forbidden, ProblemWords(title: .problemOtherOrganizationTitle, detail: .problemOtherOrganizationDetail)
    )

    static let notAcceptingSignatures = AppError(
        status: .conflict, ProblemWords(title: .problemNotAcceptingTitle, detail: .problemNotAcceptingDetail))
}
