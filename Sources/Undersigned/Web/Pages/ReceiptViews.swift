import Foundation

struct ReceiptPageView {
    var page: Layout
    var petition: PetitionView
    var code: String
    var scriptPath: String
    /// Where the browser fetches the code's proof, to check it itself.
    var proofPath: String
    var logKeyPath = SiteRoute.logKey.path
    var receiptAPIExample: String
    var consistencyAPIExample: String
    var treeHead: TreeHeadView?
    var result: ReceiptResultView?
}

struct TreeHeadView {
    var size: String
    var count: String
    var root: String
    var signedAt: String
    var keyID: String

    init(_ head: SignedTreeHead, interface: InterfaceLanguage) {
        size = interface.number(Int(clamping: head.size))
        count = interface.number(head.count)
        root = head.root.hex
        signedAt = head.timestamp.formatted(.iso8601)
        keyID = head.keyID
    }
}

struct ReceiptResultView {
    var counted = false
    var awaiting = false
    var withdrawn = false
    var invalidated = false
    var unknown = false
    var receiptHash: String
    /// Which entry of the log its confirmation is, in words.
    var entry: String?
    var auditPath: [String]
    /// Stored, not computed: templates read stored properties only.
    var hasAuditPath: Bool

    init(_ check: ReceiptCheck, interface: InterfaceLanguage) {
        switch check.status {
        case .counted: counted = true
        case .awaitingTreeHead: awaiting = true
        case .withdrawn: withdrawn = true
        case .invalidated: invalidated = true
        case .unknown: unknown = true
        }
        receiptHash = check.receiptHash.hex
        let words = Translations.bundled[interface]
        let sentence: Phrase = check.status == .awaitingTreeHead ? .receiptEntryAwaiting : .receiptEntryIncluded
        entry = check.entries.last { $0.entry.kind == .confirmation }.map { found in
            words.text(
                sentence,
                ["position": interface.number(Int(clamping: found.position))])
        }
        auditPath = check.auditPath?.map(\.hex) ?? []
        hasAuditPath = !auditPath.isEmpty
    }
}
