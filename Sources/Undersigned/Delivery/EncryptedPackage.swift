import Crypto
import Foundation

/// A delivery package encrypted to an organization's public key with HPKE (RFC 9180), so
/// that only the organization, with its private key, can read the names in it.
///
/// The ZIP is sealed a chunk at a time, so that a package of any size is encrypted and
/// decrypted in bounded memory. The format, version 1 (integers big-endian):
///
/// | bytes | what |
/// |---|---|
/// | 22 | `UNDERSIGNED-PACKAGE-1` and a line feed |
/// | 8 | the first 8 bytes of the SHA-256 of the recipient's raw public key (its fingerprint) |
/// | 32 | HPKE's encapsulated key |
///
/// then records, until the one marked last:
///
/// | bytes | what |
/// |---|---|
/// | 1 | 1 for the last record, 0 otherwise |
/// | 4 | the length of the ciphertext: 16 to 1 MiB + 16 |
/// | … | the next chunk of the ZIP (at most 1 MiB, possibly empty in the last record), sealed |
///
/// HPKE runs in base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
/// ChaCha20-Poly1305; its `info` is the first 30 bytes (format and fingerprint) and each
/// record's additional data its own 5 header bytes. HPKE numbers the records' nonces, so a
/// record removed, repeated or moved fails to open; the last-record mark is authenticated,
/// so a package cut short at a record's end is detected too.
public enum EncryptedPackage {
    static let ciphersuite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly
    static let magic = Array("UNDERSIGNED-PACKAGE-1\n".utf8)
    static let fingerprintSize = 8
    static let encapsulatedKeySize = 32
    static let headerSize = magic.count + fingerprintSize + encapsulatedKeySize
    /// The most plaintext a record holds.
    static let chunkSize = 1 << 20
    static let tagSize = 16
    static let recordHeaderSize = 5

    /// The name a downloaded package is given: the ZIP's, with this added.
    public static let fileExtension = "hpke"

    /// How many bytes the encrypted form of `plainSize` bytes takes.
    static func encryptedSize(plainSize: Int, chunkSize: Int = chunkSize) -> Int {
        headerSize + (plainSize / chunkSize + 1) * (recordHeaderSize + tagSize) + plainSize
    }

    /// Encrypts the file at `source` to `recipient`, handing the result to `write` a record at a time.
    static func encrypt(
        contentsOf source: URL, to recipient: OrganizationPublicKey, chunkSize: Int = chunkSize,
        write: (Data) async throws -> Void
    ) async throws {
        var stream = try Stream(to: recipient, chunkSize: chunkSize)
        try await write(stream.header)
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        while true {
            let chunk = try read(chunkSize, from: input)
            for record in try stream.append(Array(chunk)) { try await write(record) }
            if chunk.count < chunkSize { return try await write(try stream.finish()) }
        }
    }

    /// Encrypts bytes that arrive a piece at a time, of a length not known in advance (a
    /// streamed export): full records as soon as they fill, the last one at ``finish()``.
    public struct Stream {
        private var sender: HPKE.Sender
        private var pending: [UInt8] = []
        private let chunkSize: Int
        /// What comes before the records.
        public let header: Data

        public init(to recipient: OrganizationPublicKey) throws {
            try self.init(to: recipient, chunkSize: EncryptedPackage.chunkSize)
        }

        init(to recipient: OrganizationPublicKey, chunkSize: Int) throws {
            let prefix = magic + SHA256.hash(data: recipient.key.rawRepresentation).prefix(fingerprintSize)
            sender = try HPKE.Sender(recipientKey: recipient.key, ciphersuite: ciphersuite, info: Data(prefix))
            header = Data(prefix) + sender.encapsulatedKey
            self.chunkSize = chunkSize
        }

        /// The records that `bytes` completes, sealed.
        public mutating func append(_ bytes: [UInt8]) throws -> [Data] {
            pending += bytes
            var records: [Data] = []
            while pending.count >= chunkSize {
                records.append(try seal(Array(pending.prefix(chunkSize)), isLast: false))
                pending.removeFirst(chunkSize)
            }
            return records
        }

        /// The last record: what is pending, possibly nothing, marked as the end.
        public mutating func finish() throws -> Data {
            defer { pending = [] }
            return try seal(pending, isLast: true)
        }

        private mutating func seal(_ chunk: [UInt8], isLast: Bool) throws -> Data {
            let recordHeader = [isLast ? 1 : 0] + UInt32(chunk.count + tagSize).bigEndianBytes
            return Data(recordHeader) + (try sender.seal(chunk, authenticating: recordHeader))
        }
    }

    /// Encrypts the file at `source` into a new file at `destination`, readable by its owner only.
    public static func encrypt(file source: URL, to recipient: OrganizationPublicKey, writingTo destination: URL)
        async throws
    {
        let output = try createFile(destination)
        defer { try? output.close() }
        try await encrypt(contentsOf: source, to: recipient) { try output.write(contentsOf: $0) }
    }

    /// Decrypts the package at `source` into a new file at `destination`. Nothing is left at
    /// `destination` unless the whole package opened: a tampered or truncated one throws.
    public static func decrypt(file source: URL, with key: OrganizationPrivateKey, writingTo destination: URL) throws {
        guard !FileManager.default.fileExists(atPath: destination.path) else {
            throw EncryptedPackageError.destinationExists(destination.path)
        }
        guard let input = try? FileHandle(forReadingFrom: source) else {
            throw EncryptedPackageError.cannotRead(source.path)
        }
        defer { try? input.close() }
        let partial = destination.deletingLastPathComponent().appendingPathComponent(
            ".\(destination.lastPathComponent).\(UUID.random().uuidString).partial")
        let output = try createFile(partial)
        do {
            try decrypt(input, with: key) { try output.write(contentsOf: $0) }
            try output.close()
            try FileManager.default.moveItem(at: partial, to: destination)
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    static func decrypt(_ input: FileHandle, with key: OrganizationPrivateKey, write: (Data) throws -> Void) throws {
        let header = try read(headerSize, from: input)
        guard header.starts(with: magic) else { throw EncryptedPackageError.notAPackage }
        guard header.count == headerSize else { throw EncryptedPackageError.truncated }
        let prefix = header.prefix(magic.count + fingerprintSize)
        let fingerprint = prefix.suffix(fingerprintSize)
        guard
            Array(fingerprint) == Array(SHA256.hash(data: key.key.publicKey.rawRepresentation).prefix(fingerprintSize))
        else {
            throw EncryptedPackageError.otherKey(
                packageFingerprint: fingerprint.hex, keyFingerprint: key.publicKey.fingerprint)
        }
        var recipient: HPKE.Recipient
        do {
            recipient = try HPKE.Recipient(
                privateKey: key.key, ciphersuite: ciphersuite, info: Data(prefix),
                encapsulatedKey: Data(header.suffix(encapsulatedKeySize)))
        } catch {
            throw EncryptedPackageError.tampered
        }
        while true {
            let recordHeader = try read(recordHeaderSize, from: input)
            guard recordHeader.count == recordHeaderSize else { throw EncryptedPackageError.truncated }
            let isLast = recordHeader[recordHeader.startIndex]
            let length = recordHeader.dropFirst().reduce(0) { $0 << 8 | Int($1) }
            guard isLast <= 1, (tagSize...chunkSize + tagSize).contains(length) else {
                throw EncryptedPackageError.tampered
            }
            let sealed = try read(length, from: input)
            guard sealed.count == length else { throw EncryptedPackageError.truncated }
            let chunk: Data
            do {
                chunk = try recipient.open(sealed, authenticating: recordHeader)
            } catch {
                throw EncryptedPackageError.tampered
            }
            try write(chunk)
            if isLast == 1 {
                guard try read(1, from: input).isEmpty else { throw EncryptedPackageError.trailingBytes }
                return
            }
        }
    }

    /// Up to `count` bytes, fewer only at the end of the file.
    private static func read(_ count: Int, from handle: FileHandle) throws -> Data {
        var data = Data()
        while data.count < count, let more = try handle.read(upToCount: count - data.count), !more.isEmpty {
            data.append(more)
        }
        return data
    }

    private static func createFile(_ url: URL) throws -> FileHandle {
        guard !FileManager.default.fileExists(atPath: url.path),
            FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw EncryptedPackageError.destinationExists(url.path) }
        return try FileHandle(forWritingTo: url)
    }
}

public enum EncryptedPackageError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAPackage
    case otherKey(packageFingerprint: String, keyFingerprint: String)
    case truncated
    case tampered
    case trailingBytes
    case destinationExists(String)
    case cannotRead(String)

    public var description: String {
        switch self {
        case .notAPackage: "this is not an encrypted Undersigned package (it does not start with UNDERSIGNED-PACKAGE-1)"
        case .otherKey(let package, let key):
            "this package was encrypted to the key with fingerprint \(package), not to this one (\(key)): use the organization's key of that fingerprint"
        case .truncated:
            "the package is incomplete: it was cut short, perhaps by an interrupted download; download it again"
        case .tampered:
            "the package was changed after it was encrypted (or damaged): nothing in it can be trusted; download it again"
        case .trailingBytes:
            "the package has bytes after its end: it was changed after it was encrypted; download it again"
        case .destinationExists(let path): "\(path) exists already"
        case .cannotRead(let path): "cannot read \(path)"
        }
    }
}

extension UInt32 {
    fileprivate var bigEndianBytes: [UInt8] {
        [UInt8(self >> 24), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)]
    }
}
