import Foundation

/// Inclusion and consistency proofs over a stored log. A proof's shape depends only on the
/// sizes involved, so the subtrees it needs are found first and read in one go.
public struct LogProofs: Sendable {
    let store: any SignatureLogStore

    public init(store: any SignatureLogStore) {
        self.store = store
    }

    public func inclusion(petitionID: UUID, index: UInt64, size: UInt64) async throws -> [[UInt8]] {
        try await prove(petitionID: petitionID) { try MerkleProof.inclusion(index: index, size: size, nodes: $0) }
    }

    public func consistency(petitionID: UUID, from oldSize: UInt64, to newSize: UInt64) async throws -> [[UInt8]] {
        try await prove(petitionID: petitionID) { try MerkleProof.consistency(from: oldSize, to: newSize, nodes: $0) }
    }

    private func prove(petitionID: UUID, _ proof: (any MerkleNodes) throws -> [[UInt8]]) async throws -> [[UInt8]] {
        let wanted = WantedNodes()
        _ = try proof(wanted)
        let found = try await store.logNodes(petitionID: petitionID, wanted.coordinates)
        return try proof(FoundNodes(hashes: found))
    }
}

/// Records which subtrees a proof asks for, answering with placeholders.
private final class WantedNodes: MerkleNodes {
    var coordinates: Set<LogNodeCoordinate> = []

    func hash(level: Int, index: UInt64) throws -> [UInt8] {
        coordinates.insert(LogNodeCoordinate(level: level, index: index))
        return MerkleHash.empty
    }
}

private struct FoundNodes: MerkleNodes {
    let hashes: [LogNodeCoordinate: [UInt8]]

    func hash(level: Int, index: UInt64) throws -> [UInt8] {
        guard let hash = hashes[LogNodeCoordinate(level: level, index: index)] else {
            throw MerkleError.missingNode(level: level, index: index)
        }
        return hash
    }
}
