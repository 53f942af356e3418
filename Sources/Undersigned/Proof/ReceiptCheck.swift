import Foundation

/// What a receipt code proves about a signature, against the latest signed tree head.
public struct ReceiptCheck: Sendable {
    public enum Status: String, Sendable {
        /// Counted, and included in the latest signed tree head.
        case counted
        /// Counted, but confirmed after the latest signed head: a new head comes within seconds.
        case awaitingTreeHead = "awaiting-tree-head"
        case withdrawn
        case invalidated
        /// No entry of this petition's log carries this receipt.
        case unknown
    }

    public var receiptHash: [UInt8]
    public var status: Status
    /// The log entries that name this receipt, with their positions.
    public var entries: [(position: UInt64, entry: LogEntry)]
    public var treeHead: SignedTreeHead?
    /// The audit path of the confirmation entry in the tree of `treeHead`.
    public var auditPath: [[UInt8]]?

    /// Looks the receipt up in the petition's log and proves its confirmation's inclusion.
    public static func check(code: String, petitionID: UUID, logs: any SignatureLogStore, treeHead: SignedTreeHead?)
        async throws -> ReceiptCheck
    {
        let receiptHash = ReceiptCodes.hash(ofCode: code.trimmed())
        let entries = try await logs.logPositions(petitionID: petitionID, receiptHash: receiptHash)
        var check = ReceiptCheck(receiptHash: receiptHash, status: .unknown, entries: entries, treeHead: treeHead)
        guard let confirmation = entries.last(where: { $0.entry.kind == .confirmation }), let latest = entries.last
        else { return check }
        switch latest.entry.kind {
        case .withdrawal: check.status = .withdrawn
        case .invalidation: check.status = .invalidated
        case .confirmation: check.status = .counted
        }
        if let treeHead, confirmation.position < treeHead.size {
            check.auditPath = try await LogProofs(store: logs).inclusion(
                petitionID: petitionID, index: confirmation.position, size: treeHead.size)
        } else if check.status == .counted {
            check.status = .awaitingTreeHead
        }
        return check
    }
}
