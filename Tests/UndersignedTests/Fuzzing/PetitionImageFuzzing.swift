@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Uploaded pictures, typed by their bytes. An accepted one is of the format its first
/// bytes name, with sides of 1 to 8,000 pixels.
enum PetitionImageFuzzing: FuzzCheck {
    static let maxLength = 2048

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        let bytes = Fuzz.bytes(start, count)
        let image: PetitionImage
        do {
            image = try PetitionImage.validated(bytes, altText: "A picture")
        } catch {
            return
        }
        let magic: [PetitionImage.Format: [[UInt8]]] = [
            .png: [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]], .jpeg: [[0xFF, 0xD8, 0xFF]],
            .gif: [Array("GIF87a".utf8), Array("GIF89a".utf8)], .webp: [Array("RIFF".utf8)],
        ]
        Fuzz.expect(
            magic[image.format]?.contains { bytes.starts(with: $0) } == true,
            "\(image.format) from \(bytes.prefix(16))")
        Fuzz.expect((1...PetitionImage.sideLimit).contains(image.width), "width \(image.width)")
        Fuzz.expect((1...PetitionImage.sideLimit).contains(image.height), "height \(image.height)")
        Fuzz.expect(image.bytes == bytes && image.reference.digest.utf8.count == 64, "image \(image.format)")
    }
}
