import Foundation

/// Delivery packages as a petition's organization takes them away, from its page or with
/// `undersigned export`: each export is in the audit log, since the package names signers,
/// and it is to be encrypted to the organization's public key when it has one. (Targets
/// are not the organization: their private links get the plain ZIP from ``Deliveries``.)
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
            encryption = key.map { "encrypted to the key of fingerprint \($0.fingerprint)" } ?? "not encrypted: the organization has no public key"
        }
        let files = try await deliveries.package(petition, to: zip)
        let event = AuditEvent(
            at: clock.now, actorID: actorID, action: .deliveryPackageExported, subjectType: "petition", subjectID: petition.id.text,
            organizationID: petition.organizationID, details: "\(petition.slug), \(encryption)")
        try await store.accountTransaction { try await $0.record(event) }
        return Export(files: files, key: key)
    }
}

/// Where a package waits between being built and being sent or encrypted: a directory only
/// this user can enter, since a plain package names signers.
public enum PackageScratch {
    /// A path for a new ZIP in a new private directory.
    public static func newFile() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("undersigned-package-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return directory.appendingPathComponent("package.zip")
    }

    /// Deletes the file and its directory.
    public static func remove(_ file: URL) {
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
    }
}
