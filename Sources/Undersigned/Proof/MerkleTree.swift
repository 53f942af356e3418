import Crypto
import Foundation

/// Merkle tree hashing as in Certificate Transparency v2 (RFC 9162, section 2.1): leaves
/// and interior nodes are hashed with different prefixes, so a leaf can never pass for a node.
public enum MerkleHash {
    public static let size = 32

    /// The root of the empty tree: the hash of nothing.
    public static let empty: [UInt8] = Array(SHA256.hash(data: [UInt8]()))

    public static func leaf(_ data: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: data)
        return Array(hasher.finalize())
    }

    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }
}

/// The right edge of a tree: the roots of its perfect subtrees, largest first, one for each
/// bit set in its size. Enough to append a leaf and to give the root in O(log n), which is
/// what lets a petition with millions of signatures take each new one cheaply.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64
    public private(set) var subtrees: [[UInt8]]

    public init() {
        self.init(size: 0, subtrees: [])
    }

    public init(size: UInt64, subtrees: [[UInt8]]) {
        self.size = size
        self.subtrees = subtrees
    }

    /// A perfect subtree completed by an append: its level (0 for the leaf) and index there.
    public struct CompletedNode: Sendable, Equatable {
        public var level: Int
        public var index: UInt64
        public var hash: [UInt8]
    }

    /// Appends a leaf hash; returns every perfect subtree it completed, the leaf first.
    @discardableResult
    public mutating func append(leafHash: [UInt8]) -> [CompletedNode] {
        var completed = [CompletedNode(level: 0, index: size, hash: leafHash)]
        var hash = leafHash
        var level = 0
        var position = size
        // Each trailing one bit of the old size is a left sibling now complete on its right.
        while position & 1 == 1 {
            hash = MerkleHash.node(subtrees.removeLast(), hash)
            level += 1
            position >>= 1
            completed.append(CompletedNode(level: level, index: position, hash: hash))
        }
        subtrees.append(hash)
        size += 1
        return completed
    }

    public var root: [UInt8] {
        guard var hash = subtrees.last else { return MerkleHash.empty }
        for left in subtrees.dropLast().reversed() {
            hash = MerkleHash.node(left, hash)
        }
        return hash
    }

    /// Serialised for storage: the subtree hashes one after the other.
    public var encodedSubtrees: [UInt8] { subtrees.flatMap { $0 } }

    public init(size: UInt64, encodedSubtrees bytes: [UInt8]) throws {
        guard bytes.count == size.nonzeroBitCount * MerkleHash.size else { throw MerkleError.malformedFrontier }
        self.init(
            size: size,
            subtrees: stride(from: 0, to: bytes.count, by: MerkleHash.size).map {
                Array(bytes[$0..<$0 + MerkleHash.size])
            })
    }
}

public enum MerkleError: Error, Equatable {
    case malformedFrontier
    case indexOutOfRange
    case missingNode(level: Int, index: UInt64)
}

/// The hashes of perfect subtrees, by level and index: a stored log provides them.
public protocol MerkleNodes {
    func hash(level: Int, index: UInt64) throws -> [UInt8]
}

/// Inclusion and consistency proofs (RFC 9162, 2.1.3 and 2.1.4), built from stored perfect
/// subtrees, so that a proof costs O(log² n) lookups however large the tree.
public enum MerkleProof {
    /// The audit path of leaf `index` in the tree of the first `size` leaves.
    public static func inclusion(index: UInt64, size: UInt64, nodes: some MerkleNodes) throws -> [[UInt8]] {
        guard index < size else { throw MerkleError.indexOutOfRange }
        return try path(index, 0..<size, nodes)
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize`.
    public static func consistency(from oldSize: UInt64, to newSize: UInt64, nodes: some MerkleNodes) throws
        -> [[UInt8]]
    {
        guard oldSize <= newSize else { throw MerkleError.indexOutOfRange }
        guard oldSize > 0, oldSize < newSize else { return [] }
        return try subproof(oldSize, 0..<newSize, complete: true, nodes)
    }

    /// The root of the leaves in `range`, as the tree's definition splits it.
    public static func root(of range: Range<UInt64>, nodes: some MerkleNodes) throws -> [UInt8] {
        if range.isEmpty { return MerkleHash.empty }
        let count = range.count
        if count & (count - 1) == 0 && range.lowerBound % UInt64(count) == 0 {
            return try nodes.hash(level: count.trailingZeroBitCount, index: range.lowerBound / UInt64(count))
        }
        let split = range.lowerBound + largestPowerOfTwo(below: UInt64(count))
        return MerkleHash.node(
            try root(of: range.lowerBound..<split, nodes: nodes), try root(of: split..<range.upperBound, nodes: nodes))
    }

    public static func verifyInclusion(leafHash: [UInt8], index: UInt64, size: UInt64, path: [[UInt8]], root: [UInt8])
        -> Bool
    {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var hash = leafHash
        for sibling in path {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                hash = MerkleHash.node(sibling, hash)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                hash = MerkleHash.node(hash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && hash == root
    }

    public static func verifyConsistency(
        oldSize: UInt64, oldRoot: [UInt8], newSize: UInt64, newRoot: [UInt8], proof: [[UInt8]]
    ) -> Bool {
        guard oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty && oldRoot == MerkleHash.empty }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var oldHash = first
        var newHash = first
        for node in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                oldHash = MerkleHash.node(node, oldHash)
                newHash = MerkleHash.node(node, newHash)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                newHash = MerkleHash.node(newHash, node)
            }
            fn >>= 1
            sn >>= 1
        }
        return oldHash == oldRoot && newHash == newRoot && sn == 0
    }

    // MARK: Helpers

    private static func path(_ index: UInt64, _ range: Range<UInt64>, _ nodes: some MerkleNodes) throws -> [[UInt8]] {
        guard range.count > 1 else { return [] }
        let split = range.lowerBound + largestPowerOfTwo(below: UInt64(range.count))
        if index < split {
            return try path(index, range.lowerBound..<split, nodes) + [root(of: split..<range.upperBound, nodes: nodes)]
        }
        return try path(index, split..<range.upperBound, nodes) + [root(of: range.lowerBound..<split, nodes: nodes)]
    }

    private static func subproof(_ old: UInt64, _ range: Range<UInt64>, complete: Bool, _ nodes: some MerkleNodes)
        throws -> [[UInt8]]
    {
        let size = UInt64(range.count)
        if old == size {
            return complete ? [] : [try root(of: range, nodes: nodes)]
        }
        let split = largestPowerOfTwo(below: size)
        let middle = range.lowerBound + split
        if old <= split {
            return try subproof(old, range.lowerBound..<middle, complete: complete, nodes) + [
                root(of: middle..<range.upperBound, nodes: nodes)
            ]
        }
        return try subproof(old - split, middle..<range.upperBound, complete: false, nodes) + [
            root(of: range.lowerBound..<middle, nodes: nodes)
        ]
    }

    /// The largest power of two strictly smaller than `n` (n > 1).
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }
}
