import Crypto
import Foundation
import Testing

@testable import Undersigned

/// Perfect subtrees kept in memory, as a stored log keeps them in the database.
struct MemoryNodes: MerkleNodes {
    var hashes: [String: [UInt8]] = [:]

    mutating func record(_ completed: [MerkleFrontier.CompletedNode]) {
        for node in completed { hashes["\(node.level)/\(node.index)"] = node.hash }
    }

    func hash(level: Int, index: UInt64) throws -> [UInt8] {
        guard let hash = hashes["\(level)/\(index)"] else { throw MerkleError.missingNode(level: level, index: index) }
        return hash
    }
}

@Suite("Merkle tree (RFC 9162)")
struct MerkleTreeTests {
    @Test("roots match Certificate Transparency's published test vectors")
    func knownAnswers() {
        let leaves: [[UInt8]] = [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            Array(0x50...0x57), Array(0x60...0x6f),
        ]
        let roots = [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ]
        var frontier = MerkleFrontier()
        #expect(hex(frontier.root) == roots[0])
        for (size, leaf) in leaves.enumerated() {
            frontier.append(leafHash: MerkleHash.leaf(leaf))
            #expect(hex(frontier.root) == roots[size + 1], "size \(size + 1)")
        }
    }

    @Test(
        "every root, inclusion and consistency proof up to 300 leaves agrees with an independent implementation, and verifies"
    )
    func agreesWithReference() async throws {
        let reference = try await referenceLines(upTo: 300)
        var frontier = MerkleFrontier()
        var nodes = MemoryNodes()
        var roots: [[UInt8]] = [MerkleHash.empty]
        for size in 1...UInt64(300) {
            nodes.record(frontier.append(leafHash: MerkleHash.leaf(Array("leaf \(size - 1)".utf8))))
            roots.append(frontier.root)
            #expect(try MerkleProof.root(of: 0..<size, nodes: nodes) == frontier.root)

            var inclusion: [[[UInt8]]] = []
            for index in 0..<size {
                let path = try MerkleProof.inclusion(index: index, size: size, nodes: nodes)
                let leaf = try nodes.hash(level: 0, index: index)
                #expect(
                    MerkleProof.verifyInclusion(
                        leafHash: leaf, index: index, size: size, path: path, root: frontier.root))
                inclusion.append(path)
            }
            var consistency: [[[UInt8]]] = []
            for old in 1...size {
                let proof = try MerkleProof.consistency(from: old, to: size, nodes: nodes)
                #expect(
                    MerkleProof.verifyConsistency(
                        oldSize: old, oldRoot: roots[Int(old)], newSize: size, newRoot: frontier.root, proof: proof))
                consistency.append(proof)
            }
            let expected = reference[Int(size) - 1]
            #expect(
                expected == [String(size), hex(frontier.root), digest(inclusion), digest(consistency)], "size \(size)")
        }
    }

    @Test("a proof for another leaf, size or root does not verify")
    func forgeries() throws {
        var frontier = MerkleFrontier()
        var nodes = MemoryNodes()
        var roots: [[UInt8]] = [MerkleHash.empty]
        for index in 0..<37 {
            nodes.record(frontier.append(leafHash: MerkleHash.leaf([UInt8(index)])))
            roots.append(frontier.root)
        }
        let path = try MerkleProof.inclusion(index: 9, size: 37, nodes: nodes)
        let leaf = try nodes.hash(level: 0, index: 9)
        #expect(MerkleProof.verifyInclusion(leafHash: leaf, index: 9, size: 37, path: path, root: frontier.root))
        #expect(
            !MerkleProof.verifyInclusion(
                leafHash: try nodes.hash(level: 0, index: 10), index: 9, size: 37, path: path, root: frontier.root))
        #expect(!MerkleProof.verifyInclusion(leafHash: leaf, index: 8, size: 37, path: path, root: frontier.root))
        // A size whose tree has another shape (the signed tree head binds size and root together).
        #expect(!MerkleProof.verifyInclusion(leafHash: leaf, index: 9, size: 12, path: path, root: frontier.root))
        #expect(!MerkleProof.verifyInclusion(leafHash: leaf, index: 9, size: 37, path: path, root: roots[36]))
        #expect(
            !MerkleProof.verifyInclusion(
                leafHash: leaf, index: 9, size: 37, path: Array(path.dropLast()), root: frontier.root))
        #expect(!MerkleProof.verifyInclusion(leafHash: leaf, index: 37, size: 37, path: path, root: frontier.root))
        #expect(throws: MerkleError.indexOutOfRange) { try MerkleProof.inclusion(index: 37, size: 37, nodes: nodes) }

        let proof = try MerkleProof.consistency(from: 13, to: 37, nodes: nodes)
        #expect(
            MerkleProof.verifyConsistency(
                oldSize: 13, oldRoot: roots[13], newSize: 37, newRoot: roots[37], proof: proof))
        #expect(
            !MerkleProof.verifyConsistency(
                oldSize: 13, oldRoot: roots[12], newSize: 37, newRoot: roots[37], proof: proof))
        #expect(
            !MerkleProof.verifyConsistency(
                oldSize: 13, oldRoot: roots[13], newSize: 36, newRoot: roots[36], proof: proof))
        #expect(
            !MerkleProof.verifyConsistency(
                oldSize: 37, oldRoot: roots[37], newSize: 13, newRoot: roots[13], proof: proof))
        #expect(
            !MerkleProof.verifyConsistency(
                oldSize: 13, oldRoot: roots[13], newSize: 37, newRoot: roots[37], proof: proof + [leaf]))
    }

    @Test("a frontier survives storage and refuses a malformed one")
    func frontierEncoding() throws {
        var frontier = MerkleFrontier()
        for index in 0..<11 { frontier.append(leafHash: MerkleHash.leaf([UInt8(index)])) }
        #expect(frontier.subtrees.count == 3)
        let restored = try MerkleFrontier(size: frontier.size, encodedSubtrees: frontier.encodedSubtrees)
        #expect(restored == frontier)
        #expect(throws: MerkleError.malformedFrontier) {
            try MerkleFrontier(size: 12, encodedSubtrees: frontier.encodedSubtrees)
        }
    }

    // MARK: Helpers

    private func referenceLines(upTo limit: Int) async throws -> [[String]] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "merkle_reference.py")
        let (data, status) = try await ChildProcess.run("/usr/bin/env", ["python3", script.path, String(limit)])
        try #require(status == 0)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: " ").map(String.init)
        }
        try #require(lines.count == limit)
        return lines
    }

    private func digest(_ proofs: [[[UInt8]]]) -> String {
        var hasher = SHA256()
        for proof in proofs {
            let count = UInt32(proof.count)
            hasher.update(data: [
                UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF),
            ])
            for item in proof { hasher.update(data: item) }
        }
        return hex(Array(hasher.finalize()))
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
