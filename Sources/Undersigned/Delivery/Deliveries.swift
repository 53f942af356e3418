import Foundation

/// Recording deliveries and building their packages. Each delivery carries a tree head
/// signed at that moment, so the count it states can be checked later against the log.
public struct Deliveries: Sendable {
    public typealias Store = DeliveryStore & SignatureLogStore & SignatureExportStore & PetitionStore

    let store: any Store
    let signer: TreeHeadSigner
    let sealer: PersonalDataSealer
    let baseURL: URL
    let threshold: Int
    /// Tells the organization's members of each delivery recorded; `nil` tells no one.
    var notices: OrganizerNotices?

    public init(
        store: any Store, signer: TreeHeadSigner, sealer: PersonalDataSealer, baseURL: URL,
        threshold: Int = Settings().smallCountThreshold, notices: OrganizerNotices? = nil
    ) {
        self.store = store
        self.signer = signer
        self.sealer = sealer
        self.baseURL = baseURL
        self.threshold = threshold
        self.notices = notices
    }

    /// The same, telling the organization's members through `notices`.
    public func telling(_ notices: OrganizerNotices) -> Deliveries {
        var copy = self
        copy.notices = notices
        return copy
    }

    /// Records that `petition` reached its target at `targetPosition`; once every target has
    /// a delivery, the petition moves to `delivered`. The organization's members who asked are
    /// emailed in the same transaction. `actor` is the organizer's account, `nil` from the
    /// command line.
    public func record(
        _ petition: Petition, targetPosition: Int, deliveredAt: Date, channel: DeliveryChannel, deliveredBy: String,
        notes: String,
        evidence: DeliveryRecord.Evidence?, by actor: UUID? = nil
    ) async throws -> (record: DeliveryRecord, petitionDelivered: Bool) {
        guard petition.targets.indices.contains(targetPosition) else {
            throw DeliveryError.noSuchTarget(targetPosition)
        }
        guard petition.state.hasOpened else { throw DeliveryError.notDeliverable(petition.state) }
        let record = DeliveryRecord(
            petitionID: petition.id, targetPosition: targetPosition, deliveredAt: deliveredAt, channel: channel,
            deliveredBy: deliveredBy.trimmed(), notes: notes, evidence: evidence,
            treeHead: try await signer.signCurrentHead(of: petition.id), recordedAt: signer.clock.now)
        let audit = AuditEvent(
            at: record.recordedAt, actorID: actor, action: .deliveryRecorded, subjectType: "delivery",
            subjectID: record.id.text,
            organizationID: petition.organizationID,
            details: "target \(targetPosition + 1), \(channel.rawValue), \(record.treeHead.count) signatures"
                + (evidence.map { ", evidence sha256 \($0.sha256)" } ?? ""))
        let emails =
            try await notices?.emails(
                .deliveryRecorded(
                    targetName: petition.targets[targetPosition].name, channel: channel, count: record.treeHead.count,
                    deliveredAt: deliveredAt),
                about: petition) ?? []
        let delivered = try await store.record(
            record, targetCount: petition.targets.count, audit: audit, notifying: emails)
        if !emails.isEmpty { notices?.queued() }
        return (record, delivered)
    }

    /// Writes the delivery package of `petition` to `destination`, over a freshly signed head.
    public func package(_ petition: Petition, to destination: URL) async throws -> [DeliveryPackage.FileDigest] {
        let head = try await signer.signCurrentHead(of: petition.id)
        let package = DeliveryPackage(
            petition: petition, treeHead: head, logKey: signer.key.publicKey,
            countries: SmallCounts.publishable(
                try await store.countryCounts(petitionID: petition.id), threshold: threshold), threshold: threshold,
            petitionURL: PetitionRoute.page(slug: petition.slug).url(on: baseURL), signatures: store, sealer: sealer)
        return try await package.write(to: destination, now: signer.clock.now)
    }
}
