import Foundation

/// Inclusion and consistency proofs over a stored log. A proof's shape depends only on the
/// sizes involved, so the subtrees it needs are found first and read in one go: the stored
/// ones by their coordinates, the smaller ones hashed from their entries.
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
        let stored = wanted.coordinates.filter(\.isStored)
        var found = try await store.logNodes(petitionID: petitionID, stored)
        for (coordinate, hash) in try await hashedFromEntries(petitionID, wanted.coordinates.subtracting(stored)) {
            found[coordinate] = hash
        }
        return try proof(FoundNodes(hashes: found))
    }

    /// The subtrees below the lowest stored level, hashed from the run of entries each lies in:
    /// the subtree of that level that holds it, or what there is of one at the log's end.
    private func hashedFromEntries(_ petitionID: UUID, _ coordinates: Set<LogNodeCoordinate>) async throws
        -> [LogNodeCoordinate: [UInt8]]
    {
        let runLevel = LogNodeCoordinate.lowestStoredLevel
        let runs = Set(coordinates.map { $0.index >> UInt64(runLevel - $0.level) })
        var found: [LogNodeCoordinate: [UInt8]] = [:]
        for run in runs.sorted() {
            // A run past the largest position an entry can have holds none.
            guard run <= UInt64(Int64.max) >> runLevel else { continue }
            let start = run << runLevel
            // The run's entries appended to a tree of their own complete its subtrees, at
            // indices counted from the run's start.
            var tree = MerkleFrontier()
            for entry in try await store.logEntries(petitionID: petitionID, from: start, limit: 1 << runLevel) {
                for node in tree.append(leafHash: entry.leafHash) {
                    let coordinate = LogNodeCoordinate(level: node.level, index: (start >> node.level) + node.index)
                    if coordinates.contains(coordinate) { found[coordinate] = node.hash }
                }
            }
        }
        return found
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
