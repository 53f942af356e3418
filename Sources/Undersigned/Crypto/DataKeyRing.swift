import Crypto
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A data key as stored: wrapped (encrypted) by one of the master keys.
public struct WrappedDataKey: Sendable, Equatable {
    public var id: UInt32
    public var masterKeyID: String
    public var wrappedKey: [UInt8]
    public var createdAt: Date

    public init(id: UInt32, masterKeyID: String, wrappedKey: [UInt8], createdAt: Date) {
        self.id = id
        self.masterKeyID = masterKeyID
        self.wrappedKey = wrappedKey
        self.createdAt = createdAt
    }
}

/// Where the wrapped data keys are kept: in the database, beside the data they encrypt.
public protocol DataKeyStore: Sendable {
    func dataKeys() async throws -> [WrappedDataKey]
    func insert(_ key: WrappedDataKey) async throws
    /// Replaces the wrapping of existing keys, in one transaction.
    func rewrap(_ keys: [WrappedDataKey]) async throws
}

/// Envelope encryption: personal data is sealed with a data key; data keys are stored
/// wrapped by a master key that never reaches the database. The newest data key seals new
/// data; older ones stay to open what they sealed. Rotating the master key re-wraps the
/// few data keys and re-encrypts no data, so it needs no downtime.
public final class DataKeyRing: Sendable {
    private struct State {
        var masterKeys: MasterKeys
        var keys: [UInt32: SymmetricKey] = [:]
        var current: UInt32?
    }

    private let store: any DataKeyStore
    private let clock: WallClock
    private let state: Mutex<State>
    /// Reads the master keys again when a data key is wrapped by one this process has not
    /// seen (another instance re-wrapped under a key added to the file since start).
    private let reloadMasterKeys: @Sendable () throws -> MasterKeys

    public init(
        store: any DataKeyStore, masterKeys: MasterKeys, reloadMasterKeys: @escaping @Sendable () throws -> MasterKeys,
        clock: WallClock = .system
    ) {
        self.store = store
        self.clock = clock
        self.state = Mutex(State(masterKeys: masterKeys))
        self.reloadMasterKeys = reloadMasterKeys
    }

    /// The key that seals new data.
    func current() throws -> (id: UInt32, key: SymmetricKey) {
        try state.withLock { state in
            guard let id = state.current, let key = state.keys[id] else { throw KeyError.notLoaded }
            return (id, key)
        }
    }

    func key(id: UInt32) -> SymmetricKey? {
        state.withLock { $0.keys[id] }
    }

    /// Loads every data key from the store, creating the first one on a new database.
    public func refresh() async throws {
        var stored = try await store.dataKeys()
        if stored.isEmpty {
            try await store.insert(try wrapNewKey())
            stored = try await store.dataKeys()
        }
        let masterKeys = try masterKeys(covering: stored)
        var keys: [UInt32: SymmetricKey] = [:]
        for wrapped in stored {
            keys[wrapped.id] = try Self.unwrap(wrapped, with: masterKeys)
        }
        let newest = stored.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }!
        state.withLock { state in
            state.masterKeys = masterKeys
            state.keys = keys
            state.current = newest.id
        }
    }

    public struct Rotation: Sendable {
        public var rewrapped: Int
        /// The master key that now wraps every data key.
        public var primaryMasterKeyID: String
        public var newDataKeyID: UInt32
        /// Master keys that no data key needs any more: they can be removed from configuration.
        public var unusedMasterKeyIDs: [String]
    }

    /// Re-wraps every data key under the primary master key and starts a new data key for
    /// new data. Running instances pick the new key up at their next refresh; until then
    /// they seal with the previous one, which stays valid.
    public func rotate() async throws -> Rotation {
        try await refresh()
        let stored = try await store.dataKeys()
        let masterKeys = state.withLock { $0.masterKeys }
        var rewrapped: [WrappedDataKey] = []
        for wrapped in stored where wrapped.masterKeyID != masterKeys.primaryID {
            let key = try Self.unwrap(wrapped, with: masterKeys)
            rewrapped.append(try Self.wrap(key, id: wrapped.id, createdAt: wrapped.createdAt, with: masterKeys))
        }
        try await store.rewrap(rewrapped)
        let fresh = try wrapNewKey()
        try await store.insert(fresh)
        try await refresh()
        return Rotation(
            rewrapped: rewrapped.count, primaryMasterKeyID: masterKeys.primaryID, newDataKeyID: fresh.id,
            unusedMasterKeyIDs: masterKeys.ids.filter { $0 != masterKeys.primaryID })
    }

    enum KeyError: Error, CustomStringConvertible {
        case notLoaded
        case unknownMasterKey(String)

        var description: String {
            switch self {
            case .notLoaded: "the data keys are not loaded"
            case .unknownMasterKey(let id):
                "a data key is wrapped by master key \(id), which is not configured: add it to the master keys"
            }
        }
    }

    // MARK: Helpers

    private func masterKeys(covering stored: [WrappedDataKey]) throws -> MasterKeys {
        let known = state.withLock { $0.masterKeys }
        guard let missing = stored.first(where: { known.key(id: $0.masterKeyID) == nil }) else { return known }
        let reloaded = try reloadMasterKeys()
        guard reloaded.key(id: missing.masterKeyID) != nil else { throw KeyError.unknownMasterKey(missing.masterKeyID) }
        return reloaded
    }

    private func wrapNewKey() throws -> WrappedDataKey {
        let masterKeys = state.withLock { $0.masterKeys }
        return try Self.wrap(
            SymmetricKey(size: .bits256), id: UInt32.random(in: 1...UInt32.max), createdAt: clock.now, with: masterKeys)
    }

    private static func wrap(_ key: SymmetricKey, id: UInt32, createdAt: Date, with masterKeys: MasterKeys) throws
        -> WrappedDataKey
    {
        let box = try key.withUnsafeBytes { bytes in
            try ChaChaPoly.seal(Array(bytes), using: masterKeys.primary, authenticating: binding(id))
        }
        return WrappedDataKey(
            id: id, masterKeyID: masterKeys.primaryID, wrappedKey: Array(box.combined), createdAt: createdAt)
    }

    private static func unwrap(_ wrapped: WrappedDataKey, with masterKeys: MasterKeys) throws -> SymmetricKey {
        guard let master = masterKeys.key(id: wrapped.masterKeyID) else {
            throw KeyError.unknownMasterKey(wrapped.masterKeyID)
        }
        let box = try ChaChaPoly.SealedBox(combined: wrapped.wrappedKey)
        return SymmetricKey(data: try ChaChaPoly.open(box, using: master, authenticating: binding(wrapped.id)))
    }

    /// A wrapped key opens only under its own id, so stored keys cannot be swapped.
    private static func binding(_ id: UInt32) -> [UInt8] {
        Array("undersigned.data-key.\(id)".utf8)
    }
}

/// Reloads the data keys every minute, so that a rotation done elsewhere (another instance,
/// `undersigned rotate-keys`) reaches this one without a restart.
struct DataKeyRefresher: Service {
    let ring: DataKeyRing
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                try await ring.refresh()
            } catch {
                logger.error("cannot reload the data keys", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
