import Foundation
import Hummingbird

/// The JSON API for petitions, under `/api/v1`.
struct PetitionAPIController<Context: RequestContext>: Sendable {
    let catalog: PetitionCatalog
    let counts: SignatureCounts
    let countries: CountryFigures
    let heads: TreeHeads
    let baseURL: URL

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("petitions", use: list)
        group.get("petitions/:slug", use: show)
        group.get("petitions/:slug/countries", use: countryCounts)
    }

    struct TargetResource: Codable, Sendable {
        var name: String
        var role: String
        var organization: String
    }

    struct PetitionResource: ResponseCodable, Sendable {
        var slug: String
        var title: String
        var summary: String
        var language: String
        var state: String
        var signatureCount: Int
        var goal: Int
        var organizer: String
        var url: String
        var targets: [TargetResource]
        /// The latest signed head of the petition's signature log, once there is one.
        var treeHead: PublishedTreeHead?
    }

    struct PetitionList: ResponseCodable, Sendable {
        var petitions: [PetitionResource]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> PetitionList {
        var resources: [PetitionResource] = []
        for petition in try await catalog.openPetitions() {
            resources.append(try await resource(petition))
        }
        return PetitionList(petitions: resources)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> PetitionResource {
        try await resource(try await petition(from: context))
    }

    struct CountryResource: Codable, Sendable {
        var country: String
        var name: String
        /// `null` when withheld to protect small numbers of signers.
        var signatures: Int?
        var withheld: String?
    }

    struct CountryList: ResponseCodable, Sendable {
        var slug: String
        /// Countries with fewer confirmed signatures than this are never given as numbers.
        var threshold: Int
        var countries: [CountryResource]
    }

    @Sendable func countryCounts(_ request: Request, context: Context) async throws -> CountryList {
        let petition = try await petition(from: context)
        return CountryList(
            slug: petition.slug, threshold: countries.threshold,
            countries: try await countries.tallies(for: petition.id).map {
                CountryResource(
                    country: $0.country, name: Country.named(code: $0.country)?.name ?? $0.country, signatures: $0.signatures,
                    withheld: $0.withheld?.rawValue)
            })
    }

    private func petition(from context: Context) async throws -> Petition {
        guard let slug = context.parameters.get("slug"), let petition = try await catalog.publicPetition(slug: slug) else {
            throw AppError.notFound("There is no petition with this slug.")
        }
        return petition
    }

    private func resource(_ petition: Petition) async throws -> PetitionResource {
        let count = try await counts.count(for: petition.id)
        return PetitionResource(
            slug: petition.slug, title: petition.title, summary: petition.summary, language: petition.language,
            state: petition.state.rawValue, signatureCount: count, goal: Goal.displayed(count: count, organizerGoal: petition.goal),
            organizer: petition.organizer, url: "\(baseURL.absoluteString)/p/\(petition.slug)",
            targets: petition.targets.map { TargetResource(name: $0.name, role: $0.role, organization: $0.organization) },
            treeHead: try await heads.published(for: petition.id).published)
    }
}
