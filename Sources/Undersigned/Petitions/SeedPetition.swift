import Foundation

/// The petition every new instance hosts: the ZERO IMPUNITY call for a UN investigation,
/// shipped as the campaign's own text in `Resources/data/seed-petition.json`.
public enum SeedPetition {
    struct File: Decodable {
        var slug: String
        var language: String
        var title: String
        var summary: String
        var organizer: String
        var goal: Int
        var bodyMarkdown: String
        var targets: [Target]
    }

    public static func load(createdAt: Date) throws -> Petition {
        let file = try JSONDecoder().decode(
            File.self, from: Data(contentsOf: BundledResources.url("data/seed-petition.json")))
        return Petition(
            slug: file.slug, state: .open, language: file.language, title: file.title, summary: file.summary,
            bodyMarkdown: file.bodyMarkdown, organizer: file.organizer, goal: file.goal, targets: file.targets,
            createdAt: createdAt)
    }
}
