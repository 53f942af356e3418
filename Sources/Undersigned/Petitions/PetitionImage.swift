import Crypto
import Foundation

/// A petition's picture, stored in the database so that every instance serves it. Its type
/// is read from its bytes, never taken from the upload's name or declared type, and only
/// raster formats a browser cannot run code from are accepted (no SVG).
public struct PetitionImage: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case png = "image/png"
        case jpeg = "image/jpeg"
        case webp = "image/webp"
        case gif = "image/gif"
    }

    public var format: Format
    public var width: Int
    public var height: Int
    /// Describes the picture for those who cannot see it.
    public var altText: String
    public var bytes: [UInt8]

    /// What a petition knows of its image: enough to link to it and size it.
    public struct Reference: Sendable, Equatable {
        public var digest: String
        public var width: Int
        public var height: Int
        public var altText: String

        public init(digest: String, width: Int, height: Int, altText: String) {
            self.digest = digest
            self.width = width
            self.height = height
            self.altText = altText
        }
    }

    public static let byteLimit = 2 * 1024 * 1024
    static let sideLimit = 8_000
    static let altTextLimit = 300

    public enum Problem: Error, Equatable {
        case empty
        case tooLarge
        case unsupported
        case badDimensions
        case altTextTooLong
    }

    /// Checks an upload: its size, that its bytes are a PNG, JPEG, WebP or GIF whose header
    /// states sane dimensions.
    public static func validated(_ bytes: [UInt8], altText: String) throws(Problem) -> PetitionImage {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= byteLimit else { throw .tooLarge }
        let altText = altText.trimmed()
        guard altText.count <= altTextLimit else { throw .altTextTooLong }
        guard let (format, width, height) = ImageHeader.read(bytes) else { throw .unsupported }
        guard (1...sideLimit).contains(width), (1...sideLimit).contains(height) else { throw .badDimensions }
        return PetitionImage(format: format, width: width, height: height, altText: altText, bytes: bytes)
    }

    public var digest: String { SHA256.hash(data: bytes).hex }

    public var reference: Reference { Reference(digest: digest, width: width, height: height, altText: altText) }
}

/// Reads the format and dimensions from the first bytes of an image file.
enum ImageHeader {
    static func read(_ bytes: [UInt8]) -> (PetitionImage.Format, Int, Int)? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(bytes) }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return jpeg(bytes) }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return gif(bytes) }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return webp(bytes)
        }
        return nil
    }

    private static func png(_ bytes: [UInt8]) -> (PetitionImage.Format, Int, Int)? {
        // The first chunk must be IHDR: width and height as big-endian 32-bit integers.
        guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        return (.png, bigEndian(bytes, 16, 4), bigEndian(bytes, 20, 4))
    }

    private static func jpeg(_ bytes: [UInt8]) -> (PetitionImage.Format, Int, Int)? {
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF {
                index += 1
                continue
            }
            let length = bigEndian(bytes, index + 2, 2)
            // Start-of-frame markers carry the dimensions; C4, C8 and CC are other tables.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (.jpeg, bigEndian(bytes, index + 7, 2), bigEndian(bytes, index + 5, 2))
            }
            guard length >= 2 else { return nil }
            index += 2 + length
        }
        return nil
    }

    private static func gif(_ bytes: [UInt8]) -> (PetitionImage.Format, Int, Int)? {
        guard bytes.count >= 10 else { return nil }
        return (.gif, littleEndian(bytes, 6, 2), littleEndian(bytes, 8, 2))
    }

    private static func webp(_ bytes: [UInt8]) -> (PetitionImage.Format, Int, Int)? {
        guard bytes.count >= 30 else { return nil }
        switch String(decoding: bytes[12..<16], as: UTF8.self) {
        case "VP8 ":
            guard bytes[23] == 0x9D, bytes[24] == 0x01, bytes[25] == 0x2A else { return nil }
            return (.webp, littleEndian(bytes, 26, 2) & 0x3FFF, littleEndian(bytes, 28, 2) & 0x3FFF)
        case "VP8L":
            guard bytes[20] == 0x2F else { return nil }
            let bits = littleEndian(bytes, 21, 4)
            return (.webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return (.webp, littleEndian(bytes, 24, 3) + 1, littleEndian(bytes, 27, 3) + 1)
        default:
            return nil
        }
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
