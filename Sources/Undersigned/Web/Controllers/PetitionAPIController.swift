import Foundation
import Hummingbird

/// The JSON API for petitions. Each answer is cacheable for a few seconds and carries an ETag
/// (``CacheableResponse``).
struct PetitionAPIController<Context: RequestContext>: Sendable {
    let catalog: PetitionCatalog
    let counts: SignatureCounts
    let paperCounts: PaperCounts
    let countries: CountryFigures
    let heads: TreeHeads
    let baseURL: URL
    let replays: ReplayedAnswers
    /// A petition's answer, encoded again only when the petition or its figures change.
    let petitionAnswers = EncodedAnswers<UUID, Figured>()

    /// What a petition's answer is made from.
    struct Figured: Equatable, Sendable {
        var petition: Petition
        var figures: PetitionFigures
    }

    func addRoutes(to api: GroupRouter<APIRoute, Context>) {
        api.get(.petitions, use: list)
        api.get(APIRoute.petition, use: show)
        api.get(APIRoute.countries, use: countryCounts)
    }

    struct TargetResource: Codable, Sendable {
        var name: String
        var role: String
        var organization: String
    }

    struct PetitionResource: Encodable, Sendable {
        var slug: String
        var title: String
        var summary: String
        var language: String
        var state: String
        var signatureCount: Int
        /// Of `signatureCount`, those gathered on paper.
        var paperSignatureCount: Int
        var goal: Int
        var organizer: String
        var url: String
        var targets: [TargetResource]
        /// The latest signed head of the petition's signature log, once there is one.
        var treeHead: PublishedTreeHead?
    }

    struct PetitionList: Encodable, Sendable {
        var petitions: [PetitionResource]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        var resources: [PetitionResource] = []
        for petition in try await catalog.openPetitions() {
            resources.append(resource(try await figured(petition)))
        }
        return try CacheableResponse.json(PetitionList(petitions: resources), request: request)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let figured = try await figured(try await petition(from: context))
        let answer = try petitionAnswers.answer(for: figured.petition.id, from: figured) {
            try AppRequestContext.encoder.encode(resource($0))
        }
        var response = CacheableResponse.response(
            answer, contentType: CacheableResponse.jsonType, request: request, cacheControl: CacheableResponse.briefly)
        replays.offer(&response) { [catalog, counts, paperCounts, heads] in
            catalog.stillShows(
                figured.petition, with: figured.figures, counts: counts, paperCounts: paperCounts, heads: heads)
        }
        return response
    }

    struct CountryResource: Codable, Sendable {
        var country: String
        var name: String
        var signatures: Int
    }

    /// The countries below the threshold, together.
    struct OtherCountriesResource: Codable, Sendable {
        /// `null` when they are fewer than the threshold in all.
        var signatures: Int?
        var withheld: String?
    }

    struct CountryList: Encodable, Sendable {
        var slug: String
        /// Countries with fewer confirmed signatures than this are never named.
        var threshold: Int
        /// When the figures were taken (ISO 8601, UTC); they change at most once an interval.
        var asOf: String
        var countries: [CountryResource]
        /// `null` when every country with signers is listed.
        var otherCountries: OtherCountriesResource?
    }

    @Sendable func countryCounts(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let snapshot = try await countries.snapshot(for: petition.id)
        let others: OtherCountriesResource? =
            switch snapshot.figures.others {
            case nil: nil
            case .withheld: OtherCountriesResource(signatures: nil, withheld: "below-threshold")
            case .total(let total): OtherCountriesResource(signatures: total, withheld: nil)
            }
        let list = CountryList(
            slug: petition.slug, threshold: countries.threshold, asOf: snapshot.takenAt.formatted(.iso8601),
            countries: snapshot.figures.countries.map {
                CountryResource(
                    country: $0.country, name: Country.named(code: $0.country)?.name ?? $0.country,
                    signatures: $0.signatures)
            },
            otherCountries: others)
        return try CacheableResponse.json(list, request: request)
    }

    private func petition(from context: Context) async throws -> Petition {
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.publicPetition(slug: slug)
        else {
            throw AppError.noSuchPetition
        }
        return petition
    }

    private func figured(_ petition: Petition) async throws -> Figured {
        Figured(
            petition: petition,
            figures: try await .current(of: petition.id, counts: counts, paperCounts: paperCounts, heads: heads))
    }

    private func resource(_ figured: Figured) -> PetitionResource {
        let (petition, figures) = (figured.petition, figured.figures)
        return PetitionResource(
            slug: petition.slug, title: petition.title, summary: petition.summary, language: petition.language,
            state: petition.state.rawValue, signatureCount: figures.count, paperSignatureCount: figures.paperCount,
            goal: Goal.displayed(count: figures.count, organizerGoal: petition.goal),
            organizer: petition.organizer, url: PetitionRoute.page(slug: petition.slug).url(on: baseURL),
            targets: petition.targets.map {
                TargetResource(name: $0.name, role: $0.role, organization: $0.organization)
            },
            treeHead: figures.latestHead.map(PublishedTreeHead.init))
    }
}
