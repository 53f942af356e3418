import Foundation
import HTTPTypes
import Hummingbird

/// A delivery package built in a temporary file, sent as a download and deleted once sent.
/// Encrypted on the way when there is a key, a record at a time, so memory stays bounded
/// whatever the package's size.
enum PackageDownload {
    /// Has `write` build a package in a new scratch file; nothing is left behind if it fails.
    static func build<Result>(_ write: (URL) async throws -> Result) async throws -> (file: URL, result: Result) {
        let file = try PackageScratch.newFile()
        do {
            return (file, try await write(file))
        } catch {
            PackageScratch.remove(file)
            throw error
        }
    }

    static func response(streaming zip: URL, fileName: String, encryptingTo key: OrganizationPublicKey?) throws
        -> Response
    {
        let size = (try FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int) ?? 0
        let body: ResponseBody
        if let key {
            body = ResponseBody(contentLength: EncryptedPackage.encryptedSize(plainSize: size)) { writer in
                defer { PackageScratch.remove(zip) }
                try await EncryptedPackage.encrypt(contentsOf: zip, to: key) {
                    try await writer.write(ByteBuffer(bytes: $0))
                }
                try await writer.finish(nil)
            }
        } else {
            body = ResponseBody(contentLength: size) { writer in
                defer { PackageScratch.remove(zip) }
                let handle = try FileHandle(forReadingFrom: zip)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            }
        }
        let name = key == nil ? fileName : "\(fileName).\(EncryptedPackage.fileExtension)"
        return Response(
            status: .ok,
            headers: [
                .contentType: key == nil ? "application/zip" : "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
                .xRobotsTag: "noindex",
            ],
            body: body)
    }
}
