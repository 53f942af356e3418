import Foundation

/// Recomputes a petition's log from its entries and checks everything derived from it: the
/// stored subtrees and state, every signed tree head, and the published count; then checks
/// every stored counter (in all, per country, per day) against the signature rows.
public struct LogVerifier: Sendable {
    let logs: any SignatureLogStore
    let petitions: any PetitionStore
    let tallies: any SignatureTallyStore
    let key: LogSigningKey.Public

    public init(database: any Database, key: LogSigningKey.Public) {
        self.logs = database
        self.petitions = database
        self.tallies = database
        self.key = key
    }

    public struct Report: Sendable {
        public var petitionID: UUID
        public var entries: UInt64
        public var count: Int
        public var treeHeadsChecked: Int
        public var problems: [String]
        public var isValid: Bool { problems.isEmpty }
    }

    public func verify(petitionID: UUID) async throws -> Report {
        var problems: [String] = []
        var heads = try await logs.treeHeads(petitionID: petitionID)[...]
        var checkedHeads = 0
        var frontier = MerkleFrontier()
        var count = 0
        var subtrees: [LogNodeCoordinate: [UInt8]] = [:]

        func checkHeads() {
            while let head = heads.first, head.size == frontier.size {
                heads.removeFirst()
                checkedHeads += 1
                if head.root != frontier.root {
                    problems.append("tree head of size \(head.size): its root does not match the entries")
                }
                if head.count != count {
                    problems.append(
                        "tree head of size \(head.size): it claims \(head.count) signatures, the entries give \(count)")
                }
                if !head.isValid(under: key) {
                    problems.append("tree head of size \(head.size): its signature does not verify under key \(key.id)")
                }
            }
        }

        checkHeads()
        while true {
            let page = try await logs.logEntries(petitionID: petitionID, from: frontier.size, limit: 10_000)
            if page.isEmpty { break }
            for entry in page {
                for node in frontier.append(leafHash: entry.leafHash) where node.coordinate.isStored {
                    subtrees[node.coordinate] = node.hash
                }
                count += entry.kind.countChange
                if count < 0 { problems.append("entry \(frontier.size - 1) cancels a signature the log never counted") }
                checkHeads()
            }
            problems += try await storedSubtreesMismatch(petitionID: petitionID, subtrees)
            subtrees.removeAll(keepingCapacity: true)
        }
        for head in heads {
            problems.append("tree head of size \(head.size) is larger than the log (\(frontier.size) entries)")
        }

        let state = try await logs.logState(petitionID: petitionID)
        if state.frontier != frontier { problems.append("the stored log state does not match the entries") }
        if state.count != count {
            problems.append("the stored log count \(state.count) does not match the entries (\(count))")
        }
        let published = try await petitions.signatureCount(petitionID: petitionID)
        if published != count { problems.append("the published count \(published) does not match the log (\(count))") }
        problems += try await tallies.storedTallies(petitionID: petitionID).differences(
            from: try await tallies.recountedTallies(petitionID: petitionID))
        return Report(
            petitionID: petitionID, entries: frontier.size, count: count, treeHeadsChecked: checkedHeads,
            problems: problems)
    }

    public func verifyAll() async throws -> [Report] {
        var reports: [Report] = []
        // A counter tampered with where nothing was ever logged is found too.
        let petitionIDs = Set(try await logs.loggedPetitions()).union(try await tallies.countedPetitions())
        for petitionID in petitionIDs.sorted(by: { $0.uuidString < $1.uuidString }) {
            reports.append(try await verify(petitionID: petitionID))
        }
        return reports
    }

    /// The stored subtrees, which proofs are built from, must be those the entries give.
    private func storedSubtreesMismatch(petitionID: UUID, _ subtrees: [LogNodeCoordinate: [UInt8]]) async throws
        -> [String]
    {
        let stored = try await logs.logNodes(petitionID: petitionID, Set(subtrees.keys))
        return subtrees.keys.sorted(by: { ($0.level, $0.index) < ($1.level, $1.index) }).compactMap { coordinate in
            stored[coordinate] == subtrees[coordinate]
                ? nil
                : "the stored subtree at level \(coordinate.level), index \(coordinate.index) does not match the entries"
        }
    }
}
