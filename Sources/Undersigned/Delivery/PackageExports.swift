import Foundation

/// Delivery packages as they are taken away: by the petition's organization, from its page
/// or with `undersigned export`, to be encrypted to its public key when it has one; or by a
/// target through its private link, plain (a target is not the organization, and has no key
/// of its own). Every download is in the audit log, since the package names signers.
public struct PackageExports: Sendable {
    let deliveries: Deliveries
    let store: any Accounts.Store
    let clock: WallClock

    public init(deliveries: Deliveries, store: any Accounts.Store, clock: WallClock = .system) {
        self.deliveries = deliveries
        self.store = store
        self.clock = clock
    }

    public struct Export: Sendable {
        public var files: [DeliveryPackage.FileDigest]
        /// The key to encrypt the ZIP to, `nil` when the organization has none.
        public var key: OrganizationPublicKey?
    }

    /// Writes the ZIP of `petition` to `zip` (which must not exist) and records who exported
    /// it; `actorID` is `nil` for the command line.
    public func export(_ petition: Petition, by actorID: UUID?, zipTo zip: URL) async throws -> Export {
        var key: OrganizationPublicKey?
        var encryption = "not encrypted: the petition has no organization"
        if let organizationID = petition.organizationID {
            key = try await store.publicKey(of: organizationID)?.key
            encryption =
                key.map { "encrypted to the key of fingerprint \($0.fingerprint)" }
                ?? "not encrypted: the organization has no public key"
        }
        let files = try await deliveries.package(petition, to: zip)
        let event = AuditEvent(
            at: clock.now, actorID: actorID, action: .deliveryPackageExported, subjectType: "petition",
            subjectID: petition.id.text,
            organizationID: petition.organizationID, details: "\(petition.slug), \(encryption)")
        try await store.accountTransaction { try await $0.record(event) }
        return Export(files: files, key: key)
    }

    /// Writes the plain ZIP of `petition` to `zip` for its target at `position`, and records
    /// that the target took it.
    public func exportForTarget(_ petition: Petition, position: Int, zipTo zip: URL) async throws -> [DeliveryPackage
        .FileDigest]
    {
        guard petition.targets.indices.contains(position) else { throw DeliveryError.noSuchTarget(position) }
        let files = try await deliveries.package(petition, to: zip)
        let event = AuditEvent(
            at: clock.now, actorID: nil,
            actorLabel: TargetResponses.actorLabel(petition.targets[position], position: position),
            action: .deliveryPackageExported, subjectType: "petition", subjectID: petition.id.text,
            organizationID: petition.organizationID,
            details: "\(petition.slug), not encrypted: downloaded through the private link of target \(position + 1)")
        try await store.accountTransaction { try await $0.record(event) }
        return files
    }
}

/// Where a package waits between being built and being sent or encrypted: a directory only
/// this user can enter, since a plain package names signers.
public enum PackageScratch {
    /// A path for a new ZIP in a new private directory.
    public static func newFile() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "undersigned-package-\(UUID.random().uuidString)")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return directory.appendingPathComponent("package.zip")
    }

    /// Deletes the file and its directory.
    public static func remove(_ file: URL) {
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
    }
}
