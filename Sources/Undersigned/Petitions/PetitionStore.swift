import Foundation

/// Where petitions are kept.
public protocol PetitionStore: Sendable {
    func insert(_ petition: Petition) async throws
    func petition(slug: String) async throws -> Petition?
    func petition(id: UUID) async throws -> Petition?
    /// Open petitions, most signed first.
    func openPetitions() async throws -> [Petition]
    func petitionCount() async throws -> Int
    /// The stored counter of confirmed signatures.
    func signatureCount(petitionID: UUID) async throws -> Int
    /// Confirmed signatures per country code, exact: publish them only through ``SmallCounts``.
    func countryCounts(petitionID: UUID) async throws -> [String: Int]
}
